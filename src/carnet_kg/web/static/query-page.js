// The query page: start the YASGUI editor (installed by npm, served from /vendor/yasgui/) on
// this server's endpoint, with the default query and the example queries of the page.
(function () {
  const config = JSON.parse(document.getElementById("query-config").textContent);
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    yasqe: { value: config.defaultQuery },
  });
  document.querySelectorAll("button.example").forEach((button) => {
    button.addEventListener("click", () => {
      const text = document.getElementById("example-" + button.dataset.name).textContent;
      const tab = yasgui.getTab();
      tab.setQuery(text);
      tab.query();
    });
  });
})();
