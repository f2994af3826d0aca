/**
 * The portal's only script, served at /portal.js: a small progressive enhancement of the new-ticket form (the live
 * SLA preview and knowledge-base suggestions while typing). Every page works without it; it only fetches the two
 * JSON endpoints of new-ticket.ts and fills server-rendered skeletons with textContent (never HTML).
 */
export const PORTAL_JS = `(function () {
  'use strict';
  var form = document.getElementById('new-ticket-form');
  if (!form || !window.fetch || !window.URLSearchParams) return;

  function debounce(fn, ms) {
    var timer;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }
  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    });
  }
  function el(tag, text) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    return node;
  }

  // The SLA preview follows impact and urgency without submitting.
  var impact = document.getElementById('impact');
  var urgency = document.getElementById('urgency');
  var live = document.getElementById('sla-preview-live');
  var skeleton = document.getElementById('sla-preview-template');
  var previewRun = 0;
  function preview() {
    var run = ++previewRun;
    var query = new URLSearchParams({ impact: impact.value, urgency: urgency.value });
    getJson(form.getAttribute('data-preview-url') + '?' + query.toString()).then(function (data) {
      if (run !== previewRun) return;
      var section = skeleton.content.firstElementChild.cloneNode(true);
      section.querySelector('[data-priority]').textContent = data.priority;
      data.rows.forEach(function (row) {
        var tr = section.querySelector('tr[data-clock="' + CSS.escape(row.kind) + '"]');
        if (!tr) return;
        tr.querySelector('[data-deadline]').textContent = row.deadline;
        tr.querySelector('[data-coverage]').textContent = row.coverage;
      });
      live.replaceChildren(section);
    }).catch(function () { /* the preview button still works */ });
  }
  if (impact && urgency && live && skeleton && skeleton.content) {
    impact.addEventListener('change', preview);
    urgency.addEventListener('change', preview);
    if (!document.getElementById('sla-preview')) preview();
  }

  // Knowledge-base articles matching what is being typed.
  var title = document.getElementById('title');
  var description = document.getElementById('description');
  var box = document.getElementById('kb-suggestions');
  var lastText = null;
  var suggestRun = 0;
  function render(items) {
    if (!items.length) { box.replaceChildren(); return; }
    var section = el('section');
    section.className = 'suggestions';
    section.setAttribute('aria-labelledby', 'kb-suggestions-title');
    var heading = el('h2', box.getAttribute('data-heading'));
    heading.id = 'kb-suggestions-title';
    var list = el('ul');
    items.forEach(function (item) {
      var li = el('li');
      var a = el('a');
      var name = el('span', item.title);
      name.setAttribute('data-title', '');
      a.appendChild(name);
      a.href = item.url;
      a.target = '_blank';
      a.rel = 'noopener';
      a.lang = item.language;
      var hint = el('span', ' (' + box.getAttribute('data-new-tab') + ')');
      hint.className = 'sr-only';
      a.appendChild(hint);
      var meta = el('span', item.kind + ' · ' + item.languageName);
      meta.className = 'help';
      li.appendChild(a);
      li.appendChild(document.createTextNode(' '));
      li.appendChild(meta);
      list.appendChild(li);
    });
    section.appendChild(heading);
    section.appendChild(list);
    box.replaceChildren(section);
  }
  function suggest() {
    var text = (title.value + ' ' + description.value.slice(0, 1000)).trim();
    if (text === lastText) return;
    lastText = text;
    var run = ++suggestRun;
    if (text.length < 3) { render([]); return; }
    var query = new URLSearchParams({ q: text });
    getJson(form.getAttribute('data-suggest-url') + '?' + query.toString()).then(function (data) {
      if (run === suggestRun) render(data.items);
    }).catch(function () { /* suggestions are a help, not a requirement */ });
  }
  if (title && description && box) {
    var later = debounce(suggest, 300);
    title.addEventListener('input', later);
    description.addEventListener('input', later);
    if (!box.firstElementChild && title.value) suggest();
  }
})();
`;
