// The curation page: a selection of the text drafts a claim (quote, occurrence, a suggested id), the
// Turtle box completes entity ids and ontology terms, and saving posts the draft as JSON and shows the
// claim as saved or the checks' errors. Offsets are code points of the text, as the server counts them;
// each .seg element carries the offset its text starts at. Everything shown is set as text, never HTML.
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("curate-data").textContent);
  const box = document.getElementById("curate-text");
  const form = document.getElementById("draft");
  const field = (id) => document.getElementById(id);
  const chars = Array.from(data.text); // code points
  const segs = Array.from(box.querySelectorAll(".seg"));
  let drafted = null; // {start, end} of the drafted quote

  // --- selection → quote -----------------------------------------------------------------------

  function codePoints(text) {
    return Array.from(text).length;
  }

  // The text offset of a DOM boundary point: inside a segment by its start and what precedes the
  // point in it; elsewhere (a claim marker, between elements) the start of the next segment.
  function offsetAt(node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      const seg = node.parentElement && node.parentElement.closest(".seg");
      if (seg && box.contains(seg)) return Number(seg.dataset.start) + codePoints(node.data.slice(0, offset));
    }
    const point = document.createRange();
    point.setStart(node, offset);
    for (const seg of segs) {
      if (point.comparePoint(seg, 0) >= 0) return Number(seg.dataset.start);
    }
    return chars.length;
  }

  // Where a quote starts, non-overlapping and left to right, as the loader finds it (str.find).
  function occurrences(quote) {
    const starts = [];
    let at = data.text.indexOf(quote);
    while (at >= 0) {
      starts.push(codePoints(data.text.slice(0, at)));
      at = data.text.indexOf(quote, at + quote.length);
    }
    return starts;
  }

  function slug(quote) {
    return quote.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, " ").trim().split(/\s+/).slice(0, 6).join("-");
  }

  function draftFromSelection() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    if (!box.contains(range.commonAncestorContainer)) return;
    let start = offsetAt(range.startContainer, range.startOffset);
    let end = offsetAt(range.endContainer, range.endOffset);
    while (start < end && /\s/.test(chars[start])) start += 1;
    while (end > start && /\s/.test(chars[end - 1])) end -= 1;
    if (end <= start) return;
    draft(start, end);
  }

  function draft(start, end) {
    const quote = chars.slice(start, end).join("");
    const starts = occurrences(quote);
    const which = starts.indexOf(start) + 1;
    drafted = { start: start, end: end };
    field("quote").value = quote;
    field("occurrence").value = starts.length > 1 && which > 0 ? String(which) : "";
    if (!field("claim-id").value) field("claim-id").value = slug(quote);
    let hint = "Quote drafted from the selection (characters " + start + "–" + end + ").";
    if (starts.length > 1) {
      hint += which > 0
        ? " It occurs " + starts.length + " times: this is occurrence " + which + "."
        : " It overlaps another occurrence of itself: lengthen it.";
    }
    field("draft-hint").textContent = hint;
    markDrafted();
  }

  function markDrafted() {
    for (const seg of segs) {
      const from = Number(seg.dataset.start);
      const to = from + codePoints(seg.textContent);
      seg.classList.toggle("drafted", drafted !== null && from < drafted.end && drafted.start < to);
    }
  }

  document.addEventListener("mouseup", draftFromSelection);
  document.addEventListener("keyup", (event) => {
    if (event.shiftKey) draftFromSelection();
  });
  box.addEventListener("click", (event) => {
    const mark = event.target.closest("[data-claim]");
    if (!mark || !window.getSelection().isCollapsed) return;
    const card = document.getElementById("claim-" + mark.dataset.claim);
    if (!card) return;
    for (const other of document.querySelectorAll(".claim.shown")) other.classList.remove("shown");
    card.classList.add("shown");
    // scroll the panel alone: the text must not move under a pointer that may be selecting
    const panel = card.closest(".curate-panel");
    panel.scrollTop += card.getBoundingClientRect().top - panel.getBoundingClientRect().top;
  });

  // --- completion of entity ids and terms in the Turtle -----------------------------------------

  const turtle = field("assert");
  const list = field("suggestions");
  let choices = [];
  let chosen = 0;

  function typedName() {
    const before = turtle.value.slice(0, turtle.selectionStart);
    const match = /(?:^|[^\w:<"-])([A-Za-z][\w-]*):([\w-]*)$/.exec(before);
    return match ? { prefix: match[1], local: match[2] } : null;
  }

  function candidates(name) {
    const wanted = name.local.toLowerCase();
    if (name.prefix === "id") {
      return data.entities
        .filter((e) => e.id.includes(wanted) || e.label.toLowerCase().includes(wanted))
        .map((e) => ({ local: e.id, shown: "id:" + e.id, about: e.label + " · " + e.from }));
    }
    return data.terms
      .filter((t) => t.curie.startsWith(name.prefix + ":"))
      .map((t) => ({ local: t.curie.slice(name.prefix.length + 1), shown: t.curie, about: t.label + " · " + t.kind }))
      .filter((t) => t.local.toLowerCase().includes(wanted) || t.about.toLowerCase().includes(wanted));
  }

  function suggest() {
    const name = typedName();
    choices = name ? candidates(name).slice(0, 12) : [];
    chosen = 0;
    render();
  }

  function render() {
    list.replaceChildren();
    choices.forEach((choice, index) => {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      item.className = index === chosen ? "chosen" : "";
      const code = document.createElement("code");
      code.textContent = choice.shown;
      const about = document.createElement("span");
      about.textContent = " " + choice.about;
      item.append(code, about);
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        accept(index);
      });
      list.append(item);
    });
    list.hidden = choices.length === 0;
  }

  function accept(index) {
    const name = typedName();
    if (!name || !choices[index]) return;
    const caret = turtle.selectionStart;
    const from = caret - name.local.length;
    turtle.value = turtle.value.slice(0, from) + choices[index].local + turtle.value.slice(caret);
    turtle.selectionStart = turtle.selectionEnd = from + choices[index].local.length;
    choices = [];
    render();
    turtle.focus();
  }

  turtle.addEventListener("input", suggest);
  turtle.addEventListener("blur", () => {
    choices = [];
    render();
  });
  turtle.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      chosen = (chosen + (event.key === "ArrowDown" ? 1 : choices.length - 1)) % choices.length;
      render();
    } else if (event.key === "Enter" || event.key === "Tab") {
      accept(chosen);
    } else if (event.key === "Escape") {
      choices = [];
      render();
    } else {
      return;
    }
    event.preventDefault();
  });

  // --- saving ------------------------------------------------------------------------------------

  function show(id, visible) {
    field(id).hidden = !visible;
  }

  function showErrors(errors) {
    const holder = field("error-list");
    holder.replaceChildren();
    for (const error of errors) {
      const pre = document.createElement("pre");
      pre.className = "error";
      pre.textContent = error;
      holder.append(pre);
    }
    show("saved", false);
    show("save-errors", true);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const draftFields = {};
    for (const name of ["id", "quote", "status", "modality", "hedge", "attributed_to", "basis", "note", "assert"]) {
      const value = form.elements[name].value;
      if (value.trim() !== "") draftFields[name] = value;
    }
    const occurrence = form.elements.occurrence.value;
    if (occurrence !== "") draftFields.occurrence = Number(occurrence);
    field("save").disabled = true;
    try {
      const response = await fetch(window.location.pathname + "/claims", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        credentials: "same-origin",
        body: JSON.stringify(draftFields),
      });
      const type = response.headers.get("Content-Type") || "";
      const answer = type.startsWith("application/json") ? await response.json() : { errors: [await response.text()] };
      if (response.status === 201) {
        field("saved-where").textContent =
          "Claim " + answer.saved.id + " is now at line " + answer.saved.line + " of " + answer.saved.file + ":";
        field("saved-text").textContent = answer.saved.text;
        show("save-errors", false);
        show("saved", true);
        for (const seg of segs) {
          if (seg.classList.contains("drafted")) seg.classList.add("saved-quote");
        }
        form.reset();
        drafted = null;
        markDrafted();
      } else {
        showErrors(answer.errors || ["the server answered " + response.status]);
      }
    } catch (error) {
      showErrors(["the draft could not be sent: " + error]);
    } finally {
      field("save").disabled = false;
    }
  });
})();
