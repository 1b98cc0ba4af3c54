/**
 * The admin page's only script, served from this package: /admin/assets/admin.js. It builds the
 * segment builder from the item types the page carries as JSON (SEGMENT_ITEM_TYPES) and writes the
 * advanced-filter JSON into the form's textarea. DOM nodes and textContent only: no HTML strings,
 * so no value can become markup. Without it the textarea still works.
 */
export const ADMIN_JS = String.raw`'use strict';
(function () {
  function readJson(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try { return JSON.parse(node.textContent || 'null'); } catch (e) { return null; }
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === 'text') node.textContent = attrs[name];
      else if (name.indexOf('on') === 0) node.addEventListener(name.slice(2), attrs[name]);
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function select(cls, values, current, labels) {
    var node = el('select', { class: cls });
    values.forEach(function (value, i) {
      var option = el('option', { value: value, text: labels ? labels[i] : value });
      if (value === current) option.selected = true;
      node.appendChild(option);
    });
    return node;
  }

  var root = document.getElementById('segment-builder');
  if (root) builder(root);

  function builder(root) {
    var types = readJson('segment-item-types') || [];
    var initial = readJson('segment-filter');
    var textarea = document.getElementById('advanced-filters');
    var form = root.closest('form');
    var base = root.getAttribute('data-base') || '/admin';
    var byProperty = {};
    types.forEach(function (t) { byProperty[t.property] = t; });
    var groups = Array.isArray(initial) && initial.length ? initial.map(function (g) { return Array.isArray(g) ? g.slice() : []; }) : [];

    function blankItem() {
      var t = types[0];
      return { source: ['event_tracking', t.property], operator: t.operators[0], value: '' };
    }
    function typeOf(item) {
      var p = item && item.source && item.source[1];
      return byProperty[p] || types[0];
    }
    function sync() {
      var clean = groups.map(function (g) { return g.filter(Boolean); }).filter(function (g) { return g.length; });
      textarea.value = clean.length ? JSON.stringify(clean) : '';
    }
    function itemRow(gi, ii) {
      var item = groups[gi][ii];
      var t = typeOf(item);
      var row = el('div', { class: 'item', 'data-testid': 'segment-item' });
      var prop = select('property', types.map(function (x) { return x.property; }), t.property, types.map(function (x) { return x.label; }));
      prop.addEventListener('change', function () {
        var nt = byProperty[prop.value];
        groups[gi][ii] = { source: ['event_tracking', nt.property], operator: nt.operators[0], value: '' };
        render();
      });
      row.appendChild(prop);
      if (t.eventKey) {
        var key = el('input', { type: 'text', class: 'event-key', placeholder: 'event key', list: 'event-keys', value: item.extra_value || '' });
        key.addEventListener('input', function () { item.extra_value = key.value; sync(); suggestKeys(key.value); });
        row.appendChild(key);
      }
      (t.fields || []).forEach(function (field) {
        var current = item[field.name] === undefined ? '' : String(item[field.name]);
        var input = field.options
          ? select('field-' + field.name, field.options, current || field.options[0])
          : el('input', { type: field.integer ? 'number' : 'text', class: 'field-' + field.name, placeholder: field.label, value: current });
        if (field.options && item[field.name] === undefined) item[field.name] = field.options[0];
        var update = function () {
          var v = input.value.trim();
          if (v === '' && field.optional) delete item[field.name];
          else item[field.name] = field.integer && v !== '' && !isNaN(Number(v)) ? Number(v) : v;
          sync();
        };
        input.addEventListener('input', update);
        input.addEventListener('change', update);
        row.appendChild(input);
      });
      var op = select('operator', t.operators, item.operator);
      op.addEventListener('change', function () { item.operator = op.value; render(); });
      row.appendChild(op);
      var valueless = (t.valueless || []).indexOf(item.operator) >= 0;
      var isList = (t.listOperators || []).indexOf(item.operator) >= 0;
      if (valueless) delete item.value;
      else {
        var shown = Array.isArray(item.value) ? item.value.join(', ') : (item.value === undefined ? '' : String(item.value));
        var value = el('input', { type: 'text', class: 'value', placeholder: t.valueHint || 'value', value: shown });
        if (t.property === 'event_tracking_key') value.setAttribute('list', 'event-keys');
        value.addEventListener('input', function () {
          item.value = isList ? value.value.split(',').map(function (s) { return s.trim(); }).filter(Boolean) : value.value;
          sync();
          if (t.property === 'event_tracking_key') suggestKeys(value.value.split(',').pop().trim());
        });
        if (isList && !Array.isArray(item.value)) item.value = shown.split(',').map(function (s) { return s.trim(); }).filter(Boolean);
        row.appendChild(value);
      }
      row.appendChild(el('button', { type: 'button', class: 'link remove-item', text: 'remove', onclick: function () {
        groups[gi].splice(ii, 1);
        if (!groups[gi].length) groups.splice(gi, 1);
        render();
      } }));
      return row;
    }
    function render() {
      root.textContent = '';
      groups.forEach(function (group, gi) {
        if (gi > 0) root.appendChild(el('div', { class: 'or', text: 'OR' }));
        var box = el('div', { class: 'group', 'data-testid': 'segment-group' }, [
          el('div', { class: 'group-title' }, [el('span', { text: 'Group ' + (gi + 1) + ' (all of)' })]),
        ]);
        group.forEach(function (_item, ii) { box.appendChild(itemRow(gi, ii)); });
        box.appendChild(el('button', { type: 'button', class: 'secondary add-item', text: '+ AND condition', onclick: function () {
          groups[gi].push(blankItem()); render();
        } }));
        root.appendChild(box);
      });
      root.appendChild(el('div', { class: 'row' }, [
        el('button', { type: 'button', class: 'secondary add-group', text: groups.length ? '+ OR group' : '+ Add condition', onclick: function () {
          groups.push([blankItem()]); render();
        } }),
      ]));
      sync();
    }
    var timer = null;
    function suggestKeys(text) {
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(base + '/key-options?search=' + encodeURIComponent(text || ''), { credentials: 'same-origin' })
          .then(function (r) { return r.ok ? r.json() : { options: [] }; })
          .then(function (body) {
            var list = document.getElementById('event-keys');
            if (!list) return;
            list.textContent = '';
            body.options.forEach(function (o) { list.appendChild(el('option', { value: o.id })); });
          })
          .catch(function () {});
      }, 150);
    }
    if (form) form.addEventListener('submit', sync);
    render();
  }
})();
`;
