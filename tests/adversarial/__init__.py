"""The adversarial suite of the issue "Reliability and security": private content never leaks,
nothing a client sends causes a 5xx, HTML is inert, no outbound request, bounded resources,
load / faults / concurrency, and the authentication matrix. Each module records its figures
(requests fuzzed, probes, leaks, 5xx, kill tests) in ``support.FIGURES``; the totals are printed
at the end of the run."""
