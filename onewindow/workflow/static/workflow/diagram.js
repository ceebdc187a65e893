/* The process diagram on the case and task pages (templates/cases/_diagram.html) and
 * on a process version's page in the back office (workflow/backoffice/process.html).
 *
 * Fetches the page's diagram.json (or reads it from the page, where a POST produced it:
 * a trial) and draws each run with the bpmn-js viewer, served
 * from our own static files (the global BpmnJS; ADR 0014): completed steps get a tick,
 * current ones a thick outline and their department, the rest are greyed. A process
 * version's diagram ("plain") is drawn as the file has it, its lanes named by what they
 * stand for. The page works without this script: the section's sentence points to the
 * same facts in text, and stays if anything here fails. No inline script, no build step.
 */
(function () {
  "use strict";

  var section = document.querySelector("[data-diagram-url], [data-diagram-data]");
  if (!section) {
    return;
  }
  if (typeof window.BpmnJS !== "function" || !window.fetch) {
    // JavaScript runs, but the viewer did not load (or the browser is too old): the
    // sentence "needs JavaScript" would be wrong; say it could not be drawn.
    section.querySelector("[data-diagram-fallback]").hidden = true;
    section.querySelector("[data-diagram-error]").hidden = false;
    return;
  }
  var list = section.querySelector("[data-diagram-list]");
  var viewers = [];  // each drawn diagram: {viewer, canvas}
  var READABLE = 0.7;  // the smallest scale at which a task's name reads on a phone
  var MARGIN = 40;  // px around the process when the canvas takes its size

  // The whole process in its canvas; where that would draw it below a readable size (a
  // phone, or a process of many lanes), the canvas takes the process's size at that
  // scale: a wider one scrolls in its box, a taller one makes the page longer.
  function fit(drawn) {
    var drawing = drawn.viewer.get("canvas");
    var container = drawn.canvas;  // our .diagram-canvas, which holds the viewer's own
    container.style.width = "";
    container.style.height = "";
    drawing.resized();
    var inner = drawing.viewbox().inner;
    var tooNarrow = container.clientWidth < inner.width * READABLE;
    var tooLow = container.clientHeight < inner.height * READABLE;
    if (tooNarrow) {
      container.style.width = Math.ceil(inner.width * READABLE + MARGIN) + "px";
    }
    if (tooNarrow || tooLow) {
      container.style.height = Math.ceil(inner.height * READABLE + MARGIN) + "px";
      drawing.resized();
    }
    drawing.zoom("fit-viewport", "auto");
    // A box that scrolls is one tab stop, named, so the keyboard can scroll it too.
    var scroller = container.parentNode;
    if (scroller.scrollWidth > scroller.clientWidth) {
      scroller.setAttribute("tabindex", "0");
      scroller.setAttribute("role", "region");
      scroller.setAttribute("aria-label", section.getAttribute("data-scroll-label"));
    } else {
      scroller.removeAttribute("tabindex");
      scroller.removeAttribute("role");
      scroller.removeAttribute("aria-label");
    }
  }

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

  function isGateway(shape) {
    var business = shape.businessObject;
    return Boolean(business && business.$instanceOf && business.$instanceOf("bpmn:Gateway"));
  }

  function isStep(shape) {
    var business = shape.businessObject;
    return Boolean(
      business && business.$instanceOf &&
      (business.$instanceOf("bpmn:FlowNode") || business.$instanceOf("bpmn:SequenceFlow"))
    );
  }

  function mark(viewer, diagram) {
    if (diagram.plain) {
      return;  // a process, not a run: nothing is completed, current or remaining
    }
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
      // A gateway is a choice, not a step: the flows taken show it, and a tick beside
      // it would cover the labels of its outgoing flows.
      if (registry.get(id) && !isGateway(registry.get(id))) {
        overlays.add(id, "ow-state", {
          position: { top: -10, right: 10 },
          html: element("span", "ow-tick", "✓")
        });
      }
    });
    diagram.current.forEach(function (step) {
      // A gateway the run stands at is a join waiting for its other branches (the
      // steps on them are current): where the run waits, not a step anyone holds.
      if (registry.get(step.id) && isGateway(registry.get(step.id))) {
        add(step.id, "ow-waiting");
        var key = section.querySelector("[data-diagram-waiting]");
        if (key) {
          key.hidden = false;
        }
        return;
      }
      add(step.id, "ow-current");
      if (step.department && registry.get(step.id)) {
        // Above the step: below it sit its boundary timers and the flows they start.
        overlays.add(step.id, "ow-state", {
          position: { top: -4, left: 0 },
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
    // On a narrow screen the canvas keeps a readable width inside a box that scrolls
    // sideways (cases.css), rather than shrinking the process to fit.
    var scroller = element("div", "diagram-scroll");
    var canvas = element("div", "diagram-canvas");
    scroller.appendChild(canvas);
    figure.appendChild(scroller);
    list.appendChild(figure);
    var viewer = new window.BpmnJS({ container: canvas });
    var drawn = { viewer: viewer, canvas: canvas };
    viewers.push(drawn);
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
      fit(drawn);
      mark(viewer, diagram);
      // One image for assistive technology, named by the summary in words. The viewer
      // makes its SVG focusable for keyboard shortcuts it does not have: out of the tab
      // order. The bpmn.io link (its licence keeps it) sits outside the image.
      var image = drawing.getContainer();
      image.setAttribute("role", "img");
      image.setAttribute("aria-label", diagram.title + ": " + diagram.summary);
      image.querySelector("svg").setAttribute("tabindex", "-1");
      // The bpmn.io link shows a logo only; give it words.
      var poweredBy = canvas.querySelector(".bjs-powered-by");
      if (poweredBy) {
        var words = section.getAttribute("data-powered-by-label");
        poweredBy.setAttribute("aria-label", words);
        poweredBy.setAttribute("title", words);  // its tooltip, in the page's language
      }
      canvas.setAttribute("data-diagram-drawn", diagram.drawn);
    });
  }

  function show(ok) {
    section.querySelector("[data-diagram-fallback]").hidden = true;
    section.querySelector("[data-diagram-error]").hidden = ok;
    var legend = section.querySelector("[data-diagram-legend]");
    if (legend) {
      legend.hidden = !ok;
    }
    list.hidden = !ok;
  }

  // The drawing's JSON: embedded in the page (json_script) or fetched from its URL.
  function diagrams() {
    var embedded = section.getAttribute("data-diagram-data");
    if (embedded) {
      return Promise.resolve().then(function () {
        return JSON.parse(document.getElementById(embedded).textContent);
      });
    }
    return fetch(section.getAttribute("data-diagram-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("diagram.json answered " + response.status);
      }
      return response.json();
    });
  }

  diagrams()
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
      viewers.forEach(fit);
    }, 150);
  });
})();
