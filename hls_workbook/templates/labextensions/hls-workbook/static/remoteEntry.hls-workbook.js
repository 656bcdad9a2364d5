/*
 * HLS Workbook's JupyterLab extension, written by hand (no build step, nothing fetched).
 *
 * A stage notebook (one whose metadata holds "hls": {"stage": ...}) opens with its forms
 * ready: once its kernel is ready, every cell is run once, as "Run All Cells" would, and
 * the view is put back at the top (Run All would leave it at the last cell). The run does
 * not mark the notebook as changed: the file on disk is what it was. Other notebooks are
 * left alone. JupyterLab loads this file as a prebuilt ("federated") extension: an object
 * in window._JUPYTERLAB with init() and get(), as its own extensions are built to be.
 */
(function () {
  "use strict";
  var shared = null;

  function notebookModule() {
    // JupyterLab's own @jupyterlab/notebook, from the modules it shares with extensions.
    var versions = shared && shared["@jupyterlab/notebook"];
    if (!versions) { return Promise.reject(new Error("@jupyterlab/notebook is not shared")); }
    var entry = versions[Object.keys(versions).sort().pop()];
    return Promise.resolve(entry.get()).then(function (factory) { return factory(); });
  }

  function isStage(panel) {
    var model = panel.context && panel.context.model;
    if (!model) { return false; }
    var hls = model.getMetadata ? model.getMetadata("hls") : (model.metadata || {}).hls;
    return !!(hls && hls.stage);
  }

  function toTop(panel) {
    var notebook = panel.content;
    notebook.activeCellIndex = 0;
    notebook.deselectAll();
    if (typeof notebook.scrollToItem === "function") {
      notebook.scrollToItem(0, "start").catch(function () { /* not windowed */ });
    }
    [notebook.node, notebook.outerNode].forEach(function (node) {
      if (node) { node.scrollTop = 0; }
    });
  }

  function runOnOpen(panel) {
    return panel.context.ready
      .then(function () {
        if (!isStage(panel)) { return null; }
        return panel.sessionContext.ready.then(function () {
          if (!panel.sessionContext.session || !panel.sessionContext.session.kernel) {
            return null;  // no kernel chosen: nothing to run
          }
          return notebookModule().then(function (nb) {
            var running = nb.NotebookActions.runAll(panel.content, panel.sessionContext);
            toTop(panel);
            return running.then(function () {
              toTop(panel);
              panel.context.model.dirty = false;
            });
          });
        });
      })
      .catch(function (error) { console.warn("hls-workbook: could not run on open", error); });
  }

  var plugin = {
    id: "hls-workbook:open-ready",
    description: "A stage notebook opens with its forms ready and the view at the top.",
    autoStart: true,
    activate: function (app) {
      var seen = new WeakSet();
      function consider(widget) {
        if (!widget || seen.has(widget) || !widget.content || !widget.sessionContext ||
            !widget.context || typeof widget.content.activeCellIndex !== "number") {
          return;
        }
        seen.add(widget);
        runOnOpen(widget);
      }
      app.restored.then(function () {
        var shell = app.shell;
        if (shell.currentChanged) {
          shell.currentChanged.connect(function (_sender, args) { consider(args.newValue); });
        }
        if (shell.widgets) {
          for (var w of shell.widgets("main")) { consider(w); }
        }
        consider(shell.currentWidget);
      });
    }
  };

  var root = (window._JUPYTERLAB = window._JUPYTERLAB || {});
  root["hls-workbook"] = {
    init: function (shareScope) { shared = shareScope; return Promise.resolve(); },
    get: function (module) {
      if (module === "./extension") {
        return Promise.resolve(function () { return { __esModule: true, default: plugin }; });
      }
      return Promise.reject(new Error("hls-workbook has no module " + module));
    }
  };
})();
