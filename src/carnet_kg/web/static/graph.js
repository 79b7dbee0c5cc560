// Relation graphs: draw the page's graph (/graph/{kind}/{key}.json) with Cytoscape, installed by
// npm and served from /vendor/cytoscape/, in place of the SVG drawn on the server, which stays
// for readers without JavaScript (as does the list of links). Clicking a node opens its page; the
// legend's checkboxes filter categories and kinds of links. Once drawn, the container tells how
// many nodes and edges it shows (data-nodes, data-edges) and holds the Cytoscape instance
// (.cytoscape) for the curious.
(function () {
  "use strict";
  const container = document.getElementById("relation-graph");
  if (!container || typeof window.cytoscape !== "function" || !window.fetch) {
    return;
  }
  const section = container.closest("section");

  const STYLE = [
    {
      selector: "node",
      style: {
        "background-color": "data(color)", shape: "data(shape)", label: "data(short)",
        width: 18, height: 18, "border-width": 1, "border-color": "#1d232a",
        "font-size": 11, "font-family": "system-ui, sans-serif", color: "#1d232a",
        "text-valign": "bottom", "text-margin-y": 4,
        "text-outline-color": "#ffffff", "text-outline-width": 2,
      },
    },
    {
      selector: "node[?focus]",
      style: { width: 26, height: 26, "border-width": 3, "font-weight": "bold" },
    },
    {
      selector: "edge",
      style: {
        width: 1.5, "line-color": "data(color)", "target-arrow-color": "data(color)",
        "target-arrow-shape": "triangle", "arrow-scale": 0.8, "curve-style": "bezier",
      },
    },
    { selector: "edge[?dashed]", style: { "line-style": "dashed" } },
    { selector: ".filtered", style: { display: "none" } },
  ];

  function shorten(label) {
    return label.length <= 26 ? label : label.slice(0, 25).trimEnd() + "…";
  }

  function elements(data) {
    const kinds = {};
    data.linkKinds.forEach((kind) => { kinds[kind.kind] = kind; });
    const nodes = data.nodes.map((node) => ({
      group: "nodes",
      data: {
        id: node.id, label: node.label, short: shorten(node.label), kind: node.kind,
        category: node.category || "", href: node.href, color: node.color,
        shape: node.shape, focus: node.focus,
      },
      position: { x: node.x, y: node.y },
    }));
    const edges = data.edges.map((edge, index) => ({
      group: "edges",
      data: {
        id: "edge-" + index, source: edge.source, target: edge.target, kind: edge.kind,
        color: kinds[edge.kind].color, dashed: kinds[edge.kind].dashed,
      },
    }));
    return nodes.concat(edges);
  }

  function unchecked(name) {
    const boxes = section.querySelectorAll("input[name='" + name + "']");
    return new Set(Array.from(boxes).filter((box) => !box.checked).map((box) => box.value));
  }

  function applyFilters(cy) {
    const categories = unchecked("category");
    const links = unchecked("link");
    cy.batch(() => {
      cy.elements().removeClass("filtered");
      cy.nodes().filter((node) => categories.has(node.data("category"))).addClass("filtered");
      cy.edges().filter((edge) => links.has(edge.data("kind")) ||
        edge.source().hasClass("filtered") || edge.target().hasClass("filtered"))
        .addClass("filtered");
    });
    container.dataset.visibleNodes = String(cy.nodes().not(".filtered").length);
    container.dataset.visibleEdges = String(cy.edges().not(".filtered").length);
  }

  function enableFilters(cy) {
    section.querySelectorAll(".graph-legend input[type='checkbox']").forEach((box) => {
      box.hidden = false;
      box.disabled = false;
      box.addEventListener("change", () => applyFilters(cy));
    });
  }

  function follow(cy, canvas) {
    cy.on("tap", "node", (event) => {
      const href = event.target.data("href");
      if (href) {
        window.location.assign(href);
      }
    });
    cy.on("mouseover", "node", (event) => {
      canvas.style.cursor = "pointer";
      canvas.title = event.target.data("label");
    });
    cy.on("mouseout", "node", () => {
      canvas.style.cursor = "";
      canvas.title = "";
    });
  }

  function draw(data) {
    const fallback = container.querySelector(".graph-fallback");
    const canvas = document.createElement("div");
    canvas.className = "graph-canvas";
    canvas.setAttribute("role", "img");
    const title = fallback && fallback.querySelector("title");
    canvas.setAttribute("aria-label", title ? title.textContent : data.title);
    container.appendChild(canvas);
    if (fallback) {
      fallback.hidden = true;
    }
    const cy = window.cytoscape({
      container: canvas, elements: elements(data), style: STYLE,
      layout: { name: "preset", fit: true, padding: 30 }, minZoom: 0.2, maxZoom: 4,
    });
    follow(cy, canvas);
    enableFilters(cy);
    applyFilters(cy);
    container.cytoscape = cy;
    container.dataset.nodes = String(cy.nodes().length);
    container.dataset.edges = String(cy.edges().length);
    const hint = section.querySelector(".graph-hint");
    if (hint) {
      hint.hidden = false;
    }
  }

  fetch(container.dataset.graphSrc, { headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then(draw)
    .catch((problem) => {  // the SVG drawn on the server stays
      container.dataset.failed = String(problem);
    });
})();
