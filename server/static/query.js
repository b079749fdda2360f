// The query page: YASGUI (installed from npm, served locally) on this endpoint, the competency
// questions as examples, dataset IRIs linked to this server's pages, downloads in every format.
(function () {
  "use strict";
  var examples = JSON.parse(document.getElementById("example-queries").textContent);
  if (typeof Yasgui === "undefined") {
    document.getElementById("assets-missing").hidden = false;
    return;
  }
  var endpoint = window.location.origin + "/sparql";
  var base = "https://w3id.org/dprk-kg/";
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: "dprk-kg",
    yasqe: { value: examples.length ? examples[0].sparql : "SELECT * WHERE { ?s ?p ?o } LIMIT 10" },
  });

  function tab() { return yasgui.getTab(); }

  // Dataset IRIs (https://w3id.org/dprk-kg/…) open this server's linked-data pages.
  function localise(root) {
    root.querySelectorAll("a[href^='" + base + "']").forEach(function (link) {
      var path = link.getAttribute("href").slice(base.length);
      if (path.indexOf("ontology#") === 0) { link.href = "/ontology.html#" + path.slice(9); }
      else { link.href = "/" + path + ".html"; }
      link.removeAttribute("target");
    });
  }
  function watch(t) {
    t.getYasr().on("drawn", function () { localise(document.getElementById("yasgui")); });
  }
  watch(tab());
  yasgui.on("tabChange", function () { watch(tab()); });

  document.querySelectorAll("a.example").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var example = examples.find(function (e) { return e.name === link.dataset.name; });
      tab().setQuery(example.sparql);
      tab().query();
    });
  });

  document.querySelectorAll("a.download").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var params = new URLSearchParams({ query: tab().getQuery(), format: link.dataset.format, download: "1" });
      window.location.href = "/sparql?" + params.toString();
    });
  });
})();
