/* cong-thong-tin — progressive enhancements. Plain ES2017, no libraries, no network calls.
   Loaded with `defer`; the site works fully without it.
   1. js class            5. print buttons
   2. text size           6. list filters (văn bản, thủ tục) with URL state
   3. mobile menu         7. draft-consultation status (client-side date)
   4. dropdown menus      8. weekly schedule: current week / today                      */
(function () {
  'use strict';

  var root = document.documentElement;
  root.classList.remove('no-js');
  root.classList.add('js');

  /* ---------- helpers ---------- */
  function $all(sel, ctx) { return Array.prototype.slice.call((ctx || document).querySelectorAll(sel)); }

  function store(key, value) {
    try {
      if (value === undefined) { return window.localStorage.getItem(key); }
      if (value === null) { window.localStorage.removeItem(key); } else { window.localStorage.setItem(key, value); }
    } catch (e) { /* storage blocked (private mode, file://): ignore */ }
    return null;
  }

  // Fold Vietnamese text for matching: lower case, no diacritics, đ → d (and ð/Ð, the Icelandic eth that
  // copy-paste brings in for đ/Đ), as the search page does: "dang ky" finds "Đăng ký".
  function fold(s) {
    return String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
      .replace(/[đĐðÐ]/g, 'd').toLowerCase();
  }

  function camel(key) { return key.replace(/-([a-z0-9])/g, function (m, c) { return c.toUpperCase(); }); }

  // Today as YYYY-MM-DD in Vietnam time (falls back to the browser's local date).
  function today() {
    try {
      var parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' })
        .formatToParts(new Date());
      var get = function (t) { return parts.filter(function (p) { return p.type === t; })[0].value; };
      return get('year') + '-' + get('month') + '-' + get('day');
    } catch (e) {
      var d = new Date();
      return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
    }
  }
  function viDate(iso) { var p = iso.split('-'); return p[2] + '/' + p[1] + '/' + p[0]; }
  var TODAY = today();

  /* ---------- 2. text size: html[data-co-chu] from -1 (87.5%) to 3 (137.5%) ---------- */
  var SIZE_KEY = 'cong-thong-tin:co-chu';
  var MIN = -1, MAX = 3;
  function setSize(level, save) {
    level = Math.max(MIN, Math.min(MAX, level));
    if (level === 0) { root.removeAttribute('data-co-chu'); } else { root.setAttribute('data-co-chu', String(level)); }
    if (save) { store(SIZE_KEY, level === 0 ? null : String(level)); }
    $all('[data-co-chu]', document.body).forEach(function (b) {
      var act = b.getAttribute('data-co-chu');
      if (act === 'giam') { b.disabled = level <= MIN; }
      if (act === 'tang') { b.disabled = level >= MAX; }
      if (act === 'mac-dinh') { b.setAttribute('aria-pressed', level === 0 ? 'true' : 'false'); }
    });
  }
  function currentSize() { return parseInt(root.getAttribute('data-co-chu') || '0', 10) || 0; }
  var saved = parseInt(store(SIZE_KEY) || '0', 10);
  setSize(isNaN(saved) ? 0 : saved, false);
  $all('[data-text-size]').forEach(function (box) { box.hidden = false; });
  $all('button[data-co-chu]').forEach(function (b) {
    b.addEventListener('click', function () {
      var act = b.getAttribute('data-co-chu');
      var lv = currentSize();
      setSize(act === 'tang' ? lv + 1 : act === 'giam' ? lv - 1 : 0, true);
    });
  });

  /* ---------- 3. mobile menu toggle ---------- */
  var nav = document.querySelector('.main-nav');
  var toggle = nav && nav.querySelector('.main-nav__toggle');
  if (nav && toggle) {
    toggle.hidden = false;
    var setOpen = function (open) {
      nav.classList.toggle('is-open', open);
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    };
    toggle.addEventListener('click', function () { setOpen(toggle.getAttribute('aria-expanded') !== 'true'); });
    nav.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && toggle.getAttribute('aria-expanded') === 'true' && !nav.querySelector('details[open]')) {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  /* ---------- 4. dropdowns (<details>): one open at a time, Escape and outside click close ---------- */
  var dropdowns = $all('.main-nav details');
  dropdowns.forEach(function (d) {
    d.addEventListener('toggle', function () {
      if (d.open) { dropdowns.forEach(function (o) { if (o !== d) { o.open = false; } }); }
    });
    d.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && d.open) {
        e.stopPropagation();
        d.open = false;
        d.querySelector('summary').focus();
      }
    });
    d.addEventListener('focusout', function (e) {
      if (d.open && e.relatedTarget && !d.contains(e.relatedTarget) && window.matchMedia('(min-width: 1100px)').matches) {
        d.open = false;
      }
    });
  });
  document.addEventListener('click', function (e) {
    dropdowns.forEach(function (d) { if (d.open && !d.contains(e.target)) { d.open = false; } });
  });

  /* ---------- 4b. wide tables inside article bodies: keyboard-scrollable wrapper ---------- */
  $all('.prose table').forEach(function (t, i) {
    if (t.parentNode.classList.contains('table-scroll')) { return; }
    var wrap = document.createElement('div');
    wrap.className = 'table-scroll';
    wrap.tabIndex = 0;
    wrap.setAttribute('role', 'region');
    var cap = t.querySelector('caption');
    if (cap) {
      if (!cap.id) { cap.id = 'bang-noi-dung-' + (i + 1); }
      wrap.setAttribute('aria-labelledby', cap.id);
    } else {
      wrap.setAttribute('aria-label', 'Bảng ' + (i + 1) + ' (cuộn ngang để xem hết)');
    }
    t.parentNode.insertBefore(wrap, t);
    wrap.appendChild(t);
    $all('thead th:not([scope])', t).forEach(function (th) { th.setAttribute('scope', 'col'); });
  });

  /* ---------- 5. print buttons ---------- */
  $all('[data-in-trang]').forEach(function (b) {
    b.hidden = false;
    b.addEventListener('click', function () { window.print(); });
  });

  /* ---------- 6. list filters ---------- */
  $all('form[data-filter-table]').forEach(function (form) {
    var id = form.getAttribute('data-filter-table');
    var table = document.getElementById(id);
    if (!table || !table.tBodies.length) { return; }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var index = rows.map(function (r) { return fold(r.textContent); });
    var selects = $all('[data-filter-key]', form);
    var text = form.querySelector('[data-filter-text]');
    var status = document.querySelector('[data-filter-status="' + id + '"]');
    var empty = document.querySelector('[data-filter-empty="' + id + '"]');
    var noun = form.getAttribute('data-filter-noun') || 'mục';

    // Restore the filter from the address (?loai=...&nam=...&tu-khoa=...).
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (s) {
      var v = params.get(s.name);
      if (v !== null && Array.prototype.some.call(s.options, function (o) { return o.value === v; })) { s.value = v; }
    });
    if (text && params.get(text.name)) { text.value = params.get(text.name); }
    form.hidden = false;

    function writeUrl() {
      var p = new URLSearchParams(window.location.search);
      selects.forEach(function (s) { if (s.value) { p.set(s.name, s.value); } else { p.delete(s.name); } });
      if (text) { if (text.value.trim()) { p.set(text.name, text.value.trim()); } else { p.delete(text.name); } }
      var qs = p.toString();
      try {
        window.history.replaceState(null, '', window.location.pathname + (qs ? '?' + qs : '') + window.location.hash);
      } catch (e) { /* file:// in some browsers: keep working without URL state */ }
    }

    function apply(updateUrl, announce) {
      var crit = selects.filter(function (s) { return s.value; })
        .map(function (s) { return [camel(s.getAttribute('data-filter-key')), s.value]; });
      var terms = text ? fold(text.value.trim()).split(/\s+/).filter(Boolean) : [];
      var n = 0;
      rows.forEach(function (r, i) {
        var ok = crit.every(function (c) { return (r.dataset[c[0]] || '').split('|').indexOf(c[1]) !== -1; });
        if (ok && terms.length) { ok = terms.every(function (t) { return index[i].indexOf(t) !== -1; }); }
        r.hidden = !ok;
        if (ok) { n += 1; }
      });
      var active = crit.length > 0 || terms.length > 0;
      if (status && (announce || active)) {
        status.textContent = active ? 'Tìm thấy ' + n + ' ' + noun : 'Hiển thị tất cả ' + rows.length + ' ' + noun;
      }
      if (empty) { empty.hidden = n > 0; }
      if (updateUrl) { writeUrl(); }
    }

    var timer = null;
    form.addEventListener('submit', function (e) { e.preventDefault(); apply(true, true); });
    form.addEventListener('change', function (e) { if (e.target !== text) { apply(true, true); } });
    if (text) {
      text.addEventListener('input', function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { apply(true, true); }, 400);
      });
    }
    form.addEventListener('reset', function () { window.setTimeout(function () { apply(true, true); }, 0); });
    apply(false, false);
  });

  /* ---------- 7. draft consultation status (deadline inclusive) ---------- */
  $all('[data-trang-thai-du-thao][data-han]').forEach(function (el) {
    var han = el.getAttribute('data-han');
    if (!han) { return; }
    var open = TODAY <= han.slice(0, 10);
    el.textContent = open ? 'Đang lấy ý kiến' : 'Đã hết hạn góp ý';
    el.classList.remove('badge--neutral');
    el.classList.add(open ? 'badge--dang-lay-y-kien' : 'badge--het-han');
  });
  $all('[data-du-thao-trang-chu]').forEach(function (box) {
    var items = $all('li[data-han]', box);
    var shown = 0;
    items.forEach(function (li) {
      var open = TODAY <= li.getAttribute('data-han').slice(0, 10);
      li.hidden = !open;
      if (open) { shown += 1; }
    });
    var none = box.querySelector('[data-du-thao-rong]');
    if (none && items.length) { none.hidden = shown > 0; }
  });

  /* ---------- 8. weekly schedules ---------- */
  // List page: mark the week that contains today and offer a link to it.
  var weeks = $all('.week-list__item[data-tu-ngay]');
  if (weeks.length) {
    var current = null;
    weeks.forEach(function (w) {
      var from = w.getAttribute('data-tu-ngay');
      var to = w.getAttribute('data-den-ngay') || from;
      if (!current && from <= TODAY && TODAY <= to) { current = w; }
    });
    var box = document.querySelector('[data-tuan-hien-tai]');
    var msg = document.querySelector('[data-tuan-hien-tai-trang-thai]');
    var link = document.querySelector('[data-tuan-hien-tai-lien-ket]');
    if (current) {
      current.classList.add('is-current');
      var badge = current.querySelector('.week-list__now');
      if (badge) { badge.hidden = false; }
      var a = current.querySelector('a');
      if (link && a) { link.href = a.href; link.hidden = false; }
      if (msg) {
        var t = current.querySelector('.week-list__title');
        var ds = current.querySelector('.week-list__dates');
        msg.textContent = 'Hôm nay ' + viDate(TODAY) + ' thuộc ' + (t ? t.textContent.trim() : 'tuần đã có lịch') +
          (ds ? ' (' + ds.textContent.trim() + ')' : '') + '.';
      }
      if (window.location.hash === '#tuan-hien-tai' && a) { window.location.replace(a.href); }
    } else if (msg) {
      msg.textContent = 'Chưa có lịch công tác cho tuần hiện tại (hôm nay ' + viDate(TODAY) + ').';
    }
    if (box) { box.hidden = false; }
  }
  // Week page: highlight today's rows.
  $all('tbody.schedule-day[data-ngay]').forEach(function (tb) {
    if (tb.getAttribute('data-ngay') === TODAY) {
      tb.classList.add('is-today');
      var th = tb.querySelector('.schedule-day__label');
      if (th && !th.querySelector('.today-label')) {
        var s = document.createElement('span');
        s.className = 'today-label';
        s.textContent = 'Hôm nay';
        th.appendChild(s);
      }
    }
  });
})();
