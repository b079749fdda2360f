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
  var base = JSON.parse(document.getElementById("data-base").textContent);
  var ontology = "https://w3id.org/dprk-kg/ontology"; // the ontology's IRIs do not follow the data's base
  // The prefixes the endpoint knows without a declaration (the server's own list, dprk_kg/vocabulary.py),
  // longest namespace first: YASR shortens an IRI with the first namespace it starts with.
  var known = JSON.parse(document.getElementById("known-prefixes").textContent);
  var prefixes = {};
  Object.keys(known).sort(function (a, b) { return known[b].length - known[a].length; })
    .forEach(function (name) { prefixes[name] = known[name]; });

  // The editor's tokenizer marks a prefix no PREFIX line declares as an error: start every query's
  // state with the endpoint's prefixes declared, as the endpoint reads it.
  var sparqlMode = Yasgui.Yasqe.modes.sparql11;
  Yasgui.Yasqe.defineMode("sparql11", function (config, parserConfig) {
    var mode = sparqlMode(config, parserConfig);
    var startState = mode.startState;
    mode.startState = function () {
      var state = startState.apply(this, arguments);
      Object.keys(prefixes).forEach(function (name) { state.prefixes[name] = prefixes[name]; });
      return state;
    };
    return mode;
  });

  // Only completions computed in the page: YASQE's class and property completers would send what
  // the user types to a third-party service (LOV), which a page that must work offline cannot do.
  Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
  Yasgui.defaults.yasqe.autocompleters = ["variables", "prefixes"];

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: "dprk-kg",
    yasr: { prefixes: prefixes },
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
  // Each IRI of a result table: its link opens this server's page for a dataset IRI, and shows the
  // label the default graph gives it (asked of /labels, once per IRI), its prefixed name on hover.
  var labels = {};
  function localise(root) {
    var fresh = [];
    root.querySelectorAll(".yasr a.iri:not([data-iri])").forEach(function (link) {
      var iri = link.getAttribute("href");
      link.dataset.iri = iri;
      link.title = link.textContent === iri ? iri : link.textContent + "\n" + iri;
      if (iri.indexOf(base) === 0 || iri.indexOf(ontology) === 0) {
        link.href = localHref(iri);
        link.removeAttribute("target");
      }
      fresh.push(link);
    });
    if (!fresh.length) { return; }
    var missing = fresh.map(function (link) { return link.dataset.iri; })
      .filter(function (iri, i, all) { return !(iri in labels) && all.indexOf(iri) === i; });
    var named = missing.length ? fetch("/labels", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(missing),
    }).then(function (response) { return response.ok ? response.json() : {}; }).then(function (found) {
      missing.forEach(function (iri) { labels[iri] = found[iri] || null; });
    }) : Promise.resolve();
    named.then(function () {
      fresh.forEach(function (link) {
        var label = labels[link.dataset.iri];
        if (label) { link.textContent = label; link.classList.add("labelled"); }
      });
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
