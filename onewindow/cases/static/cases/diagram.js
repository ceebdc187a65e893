/* The process diagram on the case and task pages (templates/cases/_diagram.html).
 *
 * Fetches the case's diagram.json and draws each run with the bpmn-js viewer, served
 * from our own static files (the global BpmnJS; ADR 0014): completed steps get a tick,
 * current ones a thick outline and their department, the rest are greyed. The page
 * works without this script: the section's sentence points to the timeline, and stays
 * if anything here fails. No inline script, no build step.
 */
(function () {
  "use strict";

  var section = document.querySelector("[data-diagram-url]");
  if (!section || typeof window.BpmnJS !== "function" || !window.fetch) {
    return;
  }
  var list = section.querySelector("[data-diagram-list]");
  var viewers = [];

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function isStep(shape) {
    var business = shape.businessObject;
    return Boolean(
      business && business.$instanceOf &&
      (business.$instanceOf("bpmn:FlowNode") || business.$instanceOf("bpmn:SequenceFlow"))
    );
  }

  function mark(viewer, diagram) {
    var canvas = viewer.get("canvas");
    var overlays = viewer.get("overlays");
    var registry = viewer.get("elementRegistry");
    var marked = {};
    function add(id, marker) {
      if (registry.get(id)) {
        canvas.addMarker(id, marker);
        marked[id] = true;
      }
    }
    diagram.completed.forEach(function (id) {
      add(id, "ow-completed");
      if (registry.get(id)) {
        overlays.add(id, "ow-state", {
          position: { top: -10, right: 10 },
          html: element("span", "ow-tick", "✓")
        });
      }
    });
    diagram.current.forEach(function (step) {
      add(step.id, "ow-current");
      if (step.department && registry.get(step.id)) {
        overlays.add(step.id, "ow-state", {
          position: { bottom: -4, left: 0 },
          html: element("span", "ow-department", step.department)
        });
      }
    });
    diagram.taken_flows.forEach(function (id) {
      add(id, "ow-taken");
    });
    registry.filter(isStep).forEach(function (shape) {
      if (!marked[shape.id]) {
        canvas.addMarker(shape.id, "ow-remaining");
      }
    });
  }

  function draw(diagram, many) {
    var figure = element("div", "diagram-figure");
    if (many) {
      figure.appendChild(element("h3", "", diagram.title));
    }
    var canvas = element("div", "diagram-canvas");
    figure.appendChild(canvas);
    list.appendChild(figure);
    var viewer = new window.BpmnJS({ container: canvas });
    viewers.push(viewer);
    // Names in the reader's language, set on the parsed model before it is drawn:
    // lanes by what they stand for (the file names them by the codes the platform
    // routes by), and on English pages the elements' English names.
    viewer.on("import.parse.complete", function (event) {
      var byId = event.elementsById || {};
      Object.keys(diagram.names || {}).forEach(function (id) {
        if (byId[id]) {
          byId[id].name = diagram.names[id];
        }
      });
    });
    return viewer.importXML(diagram.xml).then(function () {
      var drawing = viewer.get("canvas");
      drawing.zoom("fit-viewport", "auto");
      mark(viewer, diagram);
      // One image for assistive technology, named by the summary in words. The viewer
      // makes its SVG focusable for keyboard shortcuts it does not have: out of the tab
      // order. The bpmn.io link (its licence keeps it) sits outside the image.
      var image = drawing.getContainer();
      image.setAttribute("role", "img");
      image.setAttribute("aria-label", diagram.title + ": " + diagram.summary);
      image.querySelector("svg").setAttribute("tabindex", "-1");
      canvas.setAttribute("data-diagram-drawn", diagram.case);
    });
  }

  function show(ok) {
    section.querySelector("[data-diagram-fallback]").hidden = true;
    section.querySelector("[data-diagram-error]").hidden = ok;
    section.querySelector("[data-diagram-legend]").hidden = !ok;
    list.hidden = !ok;
  }

  fetch(section.getAttribute("data-diagram-url"), {
    credentials: "same-origin",
    headers: { Accept: "application/json" }
  })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("diagram.json answered " + response.status);
      }
      return response.json();
    })
    .then(function (data) {
      if (!data.diagrams.length) {
        return;  // nothing started yet: the sentence stays
      }
      list.hidden = false;  // the viewer measures its container, which must be shown
      return Promise.all(data.diagrams.map(function (diagram) {
        return draw(diagram, data.diagrams.length > 1);
      })).then(function () {
        show(true);
      });
    })
    .catch(function (error) {
      show(false);
      if (window.console) {
        window.console.warn("process diagram:", error);
      }
    });

  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(function () {
      viewers.forEach(function (viewer) {
        var canvas = viewer.get("canvas");
        canvas.resized();
        canvas.zoom("fit-viewport", "auto");
      });
    }, 150);
  });
})();
