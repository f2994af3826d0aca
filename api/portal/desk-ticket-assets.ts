/**
 * The agent's ticket page's own stylesheet and script (served at /desk-ticket.css and /desk-ticket.js). The page
 * works without the script: the composer's switch is a radio group the server reads, and a text module is inserted
 * by the "Insert" button's post. The script asks before a switch between public and internal, expands `::keyword`,
 * inserts the chosen module where the cursor is, and puts the ticket's own address back after a failed form.
 */
export const DESK_TICKET_CSS = `
.ticket-header h1 { margin: .25rem 0 .25rem; font-size: 1.5rem; line-height: 1.25; }
dl.ticket-facts { display: flex; flex-wrap: wrap; gap: .15rem 1.25rem; margin: .25rem 0; }
dl.ticket-facts div { display: flex; gap: .35rem; align-items: baseline; }
dl.ticket-facts dt { color: var(--muted); }
dl.ticket-facts dd { margin: 0; font-weight: 600; }
ul.clock-chips { list-style: none; padding: 0; margin: .35rem 0 .75rem; display: flex; flex-wrap: wrap; gap: .35rem .5rem; }
ul.clock-chips li { border: 1px solid var(--line); border-radius: 1rem; padding: .05rem .65rem; font-size: .9rem; }
.ticket-layout { display: grid; grid-template-columns: minmax(0, 1fr) 22rem; gap: 1rem 1.75rem; align-items: start; }
@media (max-width: 56rem) { .ticket-layout { grid-template-columns: minmax(0, 1fr); } }
.conversation h2, .action-panel h2 { margin: .25rem 0 .5rem; font-size: 1.2rem; }
.desk-timeline li { margin-bottom: .35rem; }
.desk-timeline li.from-customer { border-left-color: var(--accent); background: #eef3fa; }
.desk-timeline .sentence { font-weight: 600; }
.badge-internal { display: inline-block; font-size: .8rem; font-weight: 600; color: var(--warn); border: 1px solid var(--warn); border-radius: .75rem; padding: 0 .5rem; margin-left: .35rem; }
form.composer { border: 2px solid var(--accent); border-radius: 6px; padding: .5rem .9rem .9rem; margin: 1rem 0; background: #fff; }
form.composer fieldset.mode-switch { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; }
form.composer fieldset.mode-switch legend { font-weight: 700; padding: 0; }
form.composer fieldset.mode-switch label { display: inline-flex; gap: .35rem; align-items: center; margin: .25rem 0 0; font-weight: 600; }
form.composer .mode-note { margin: .35rem 0; padding: .25rem .6rem; border-radius: 4px; }
form.composer .mode-note.for-public { background: #eef3fa; }
form.composer .mode-note.for-internal, form.composer .send-internal { display: none; }
form.composer.is-internal, form.composer:has(#composer-internal:checked) { border-color: var(--warn); border-style: dashed; background: #fff6e5; }
form.composer.is-internal .for-public, form.composer:has(#composer-internal:checked) .for-public,
form.composer.is-internal .send-public, form.composer:has(#composer-internal:checked) .send-public { display: none; }
form.composer.is-internal .mode-note.for-internal, form.composer:has(#composer-internal:checked) .mode-note.for-internal { display: block; background: #ffe9c2; color: #5a3100; font-weight: 700; }
form.composer.is-internal .send-internal, form.composer:has(#composer-internal:checked) .send-internal { display: inline; }
form.composer textarea { min-height: 8rem; }
form.composer .modules { display: flex; flex-wrap: wrap; gap: .25rem .5rem; align-items: end; }
form.composer .modules select { max-width: 100%; }
form.composer .modules button { margin-top: 0; }
.action-panel section.panel-group { border-top: 2px solid var(--line); padding-top: .25rem; margin-bottom: .75rem; }
.action-panel h3 { margin: .25rem 0; font-size: 1.05rem; }
.action-panel fieldset { margin: .4rem 0; padding: .35rem .75rem .6rem; }
.action-panel legend { font-weight: 600; }
.action-panel textarea { min-height: 3.5rem; }
.action-panel button { margin-top: .5rem; }
.action-panel form.compact fieldset { border-style: dotted; }
button.style-secondary { background: #fff; color: var(--accent); }
button.style-destructive { background: #fff; color: var(--bad); border-color: var(--bad); }
button[disabled] { opacity: .6; cursor: not-allowed; }
dl.desk-details { display: grid; grid-template-columns: auto 1fr; gap: .15rem .75rem; margin: .25rem 0; }
dl.desk-details div { display: contents; }
dl.desk-details dt { color: var(--muted); }
dl.desk-details dd { margin: 0; }
`;

export const DESK_TICKET_JS = `(function () {
  'use strict';
  var page = document.getElementById('desk-ticket');
  if (!page) return;
  // A failed form was shown at its post address: the address bar shows the ticket again.
  var home = page.getAttribute('data-ticket-path');
  if (home && window.history && location.pathname !== home) history.replaceState(null, '', home + location.hash);

  var form = document.getElementById('composer');
  if (!form) return;
  var body = document.getElementById('composer-body');
  var radios = form.querySelectorAll('input[name="_form"]');
  var current = form.querySelector('input[name="_form"]:checked');
  function mark() { form.classList.toggle('is-internal', !!(current && current.value === 'note')); }
  mark();
  Array.prototype.forEach.call(radios, function (radio) {
    radio.addEventListener('change', function () {
      if (!radio.checked || radio === current) return;
      var toPublic = radio.value === 'comment';
      var ask = toPublic ? form.getAttribute('data-confirm-public') : (body.value.trim() ? form.getAttribute('data-confirm-internal') : null);
      if (ask && !window.confirm(ask)) {
        if (current) current.checked = true;
        return;
      }
      current = radio;
      mark();
    });
  });

  var modules = [];
  try { var holder = document.getElementById('text-modules-data'); modules = JSON.parse((holder && holder.getAttribute('data-modules')) || '[]'); } catch (e) { modules = []; }
  function insertAt(start, end, text) {
    body.value = body.value.slice(0, start) + text + body.value.slice(end);
    var caret = start + text.length;
    body.setSelectionRange(caret, caret);
    body.dispatchEvent(new Event('input', { bubbles: true }));
  }
  // "::keyword" then space, Enter or Tab: the module's text, rendered for this ticket, replaces it.
  body.addEventListener('keydown', function (e) {
    if (e.key !== ' ' && e.key !== 'Enter' && e.key !== 'Tab') return;
    var caret = body.selectionStart;
    if (caret !== body.selectionEnd) return;
    var m = /(^|\\s)::([a-z0-9][a-z0-9_-]*)$/.exec(body.value.slice(0, caret));
    if (!m) return;
    var found = modules.filter(function (x) { return x.keyword === m[2]; })[0];
    if (!found) return;
    e.preventDefault();
    insertAt(caret - m[2].length - 2, caret, found.text);
  });
  var insert = document.getElementById('composer-insert');
  var select = document.getElementById('composer-module');
  if (insert && select) {
    insert.addEventListener('click', function (e) {
      // The list's options follow the modules' order, after the empty first one.
      var chosen = select.selectedIndex > 0 ? modules[select.selectedIndex - 1] : null;
      if (!chosen) return;
      e.preventDefault();
      var text = chosen.text;
      var start = body.selectionStart, end = body.selectionEnd;
      if (document.activeElement !== body && !body.value) { start = 0; end = 0; }
      insertAt(start, end, text);
      body.focus();
    });
  }
})();
`;
