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
  var ontology = base + "ontology";

  // Only completions computed in the page: YASQE's class and property completers would send what
  // the user types to a third-party service (LOV), which a page that must work offline cannot do.
  Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
  Yasgui.defaults.yasqe.autocompleters = ["variables", "prefixes"];

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: "dprk-kg",
    yasqe: { value: examples.length ? examples[0].sparql : "SELECT * WHERE { ?s ?p ?o } LIMIT 10" },
  });

  function tab() { return yasgui.getTab(); }

  // Where a dataset IRI is shown on this server: /id/x.html, /claim/d/c.html#evidence-1, and the
  // ontology's terms as anchors of /ontology.html.
  function localHref(iri) {
    var hash = iri.indexOf("#");
    var fragment = hash < 0 ? "" : iri.slice(hash);
    var path = hash < 0 ? iri : iri.slice(0, hash);
    if (path.indexOf(ontology) === 0) { return "/ontology.html" + fragment; }
    return "/" + path.slice(base.length) + ".html" + fragment;
  }
  function localise(root) {
    root.querySelectorAll("a[href^='" + base + "']").forEach(function (link) {
      link.href = localHref(link.getAttribute("href"));
      link.removeAttribute("target");
    });
  }
  // Results are drawn lazily (later table pages, re-sorts), so rewrite on every change.
  var results = document.getElementById("yasgui");
  localise(results);
  new MutationObserver(function () { localise(results); }).observe(results, { childList: true, subtree: true });

  document.querySelectorAll("a.example").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var example = examples.find(function (e) { return e.name === link.dataset.name; });
      tab().setQuery(example.sparql);
      tab().query();
    });
  });

  // Downloads go by POST (a long query does not fit in a URL) and are saved from the answer; an
  // answer that is an error (a format that does not fit the query) is shown, and the page stays.
  var downloadError = document.getElementById("download-error");
  function download(format) {
    var body = new URLSearchParams({ query: tab().getQuery(), format: format, download: "1" });
    downloadError.hidden = true;
    fetch("/sparql", { method: "POST", body: body }).then(function (response) {
      if (!response.ok) { return response.text().then(function (text) { throw new Error(text); }); }
      var name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      return response.blob().then(function (blob) {
        var save = document.createElement("a");
        save.href = URL.createObjectURL(blob);
        save.download = name ? name[1] : "results";
        document.body.appendChild(save);
        save.click();
        save.remove();
        setTimeout(function () { URL.revokeObjectURL(save.href); }, 60000);
      });
    }).catch(function (error) {
      downloadError.textContent = error.message;
      downloadError.hidden = false;
    });
  }
  document.querySelectorAll("a.download").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      download(link.dataset.format);
    });
  });
})();
