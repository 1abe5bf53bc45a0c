/* cong-thong-tin — search page (tim-kiem.html), on Pagefind's JavaScript API (pagefind/pagefind.js).
   Plain ES2017, no libraries; every request goes to this site's own files. docs/theme.md, "Search".
   - One Pagefind instance from this site's own pagefind/ folder; on the provincial portal, every unit's index
     (copied under tong-hop/tim-kiem/<unit>/ by `invoke aggregate`) is merged into it, each tagged with the
     synthetic filter "Đơn vị" = the unit's id, and its results linked to the unit's own pages.
   - The provincial portal searches first by title, number and code in every unit (tim-nhanh.js: tens of
     kilobytes a search, where the merged full text costs megabytes); "Tìm trong toàn bộ nội dung" switches to
     the full text (?toan-van=1 in the address), and back. Pagefind is loaded only for the full text.
   - A unit whose index does not load is left out, and the page says which one; the others are still searched.
   - Pages changed since this site's index was made are in a supplement (pagefind/bo-sung.json names it and the
     pages of the index it replaces; plugins/portal/search_supplement.py): merged in, the replaced pages left
     out of the results, so a search finds an edit as soon as it is published, before the index is made again.
   - Words written with đ/Đ are found by queries typed with d: the index holds their folded copy
     (portal/search_words.py); exact spellings keep Pagefind's diacritic bonus.
   - Titles, excerpts and names are written with textContent, never as HTML.
   - Query and filters live in the address (?q=…&don-vi=…&loai=…), so a search can be shared. */
(function () {
  'use strict';

  var form = document.getElementById('tim-kiem');
  if (!form) { return; }

  var UNIT = 'Đơn vị';
  var KIND = 'Loại';
  var PAGE_SIZE = 10;
  // Ranking: a title written with đ/Đ is also indexed folded (khong_dau_tieu_de), weighed like Pagefind weighs
  // the title, so "dang ky" ranks "Đăng ký khai sinh" as "đăng ký" does. A word typed with its diacritics and
  // found spelt exactly so scores 11 times one found without them (Pagefind's default: 1.8 times): exact
  // spellings first ("Đắk Nông" before "Đăk Nông"), and a query with diacritics is not led by words that only
  // the folded copies matched ("dịch" meeting "đích" folded to "dich").
  var RANKING = { diacriticSimilarity: 10, metaWeights: { title: 5, khong_dau_tieu_de: 5 } };
  var MERGE_TIMEOUT_MS = 15000;

  var input = form.querySelector('input[name="q"]');
  var unitSelect = form.querySelector('select[data-loc="' + UNIT + '"]');
  var kindSelect = form.querySelector('select[data-loc="' + KIND + '"]');
  var status = document.querySelector('[data-tim-kiem-trang-thai]');
  var list = document.querySelector('[data-tim-kiem-ket-qua]');
  var more = document.querySelector('[data-tim-kiem-them]');
  var missingNote = document.querySelector('[data-tim-kiem-thieu]');
  var headerBox = document.getElementById('o-tim-kiem');
  var modeBox = document.querySelector('[data-tim-kiem-che-do]');
  var modeText = document.querySelector('[data-tim-kiem-che-do-chu]');
  var modeButton = document.querySelector('[data-tim-kiem-doi]');

  function absolute(url) { return new URL(url, document.baseURI).href; }

  // The site itself, then (provincial portal) every unit with an index.
  var own = { id: form.getAttribute('data-ma'), name: form.getAttribute('data-ten'),
              index: absolute(form.getAttribute('data-chi-muc')), root: absolute(form.getAttribute('data-goc')) };
  var units = [];
  if (unitSelect) {
    Array.prototype.forEach.call(unitSelect.options, function (o) {
      if (o.value && o.value !== own.id && o.getAttribute('data-chi-muc')) {
        units.push({ id: o.value, name: o.textContent, index: absolute(o.getAttribute('data-chi-muc')),
                     root: absolute(o.getAttribute('data-goc')), option: o });
      }
    });
  }
  var province = !!unitSelect;
  var sites = [own].concat(units);
  // The quick search's manifest (provincial portal only); where each unit's pages are for this page.
  var quickUrl = form.getAttribute('data-tim-nhanh') ? absolute(form.getAttribute('data-tim-nhanh')) : '';
  var roots = {};
  sites.forEach(function (s) { roots[s.id] = s.root; });

  function showError() {
    var note = document.querySelector('[data-search-error]');
    if (note) { note.hidden = false; }
    say('');
  }
  function say(text) { if (status) { status.textContent = text; } }

  // Pagefind fetches its index, which browsers refuse for pages opened from disk.
  if (window.location.protocol === 'file:') { showError(); return; }

  // Lower case, no diacritics, đ → d (and the look-alike ð/Ð): to highlight what a query matched.
  function fold(s) {
    return String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐðÐ]/g, 'd').toLowerCase();
  }
  // Ð/ð (Icelandic eth) pasted for Đ/đ: search for the Vietnamese letter.
  function cleanQuery(q) { return q.replace(/Ð/g, 'Đ').replace(/ð/g, 'đ').replace(/\s+/g, ' ').trim(); }

  function withTimeout(promise, ms) {
    return new Promise(function (resolve, reject) {
      var timer = window.setTimeout(function () { reject(new Error('timeout')); }, ms);
      promise.then(function (v) { window.clearTimeout(timer); resolve(v); },
                   function (e) { window.clearTimeout(timer); reject(e); });
    });
  }

  /* ---------- the search engine: this site's index, plus every unit's ---------- */
  var pagefind = null;
  var engine = null;
  var fullText = !quickUrl || !window.TimNhanh || new URLSearchParams(window.location.search).get('toan-van') === '1';
  var engines = {};  // 'nhanh' / 'toan-van' → the engine once opened

  // This site's supplement, or null: { index: its folder's address or '', replaced: the ids to leave out }.
  async function supplement() {
    try {
      var response = await fetch(own.index + 'bo-sung.json', { cache: 'no-cache' });
      var data = response.ok ? await response.json() : null;
      var folder = data && typeof data.chi_muc === 'string' && /^bo-sung-[0-9a-f]+\/$/.test(data.chi_muc) ? data.chi_muc : '';
      var replaced = data && Array.isArray(data.thay) ? data.thay.filter(function (id) { return typeof id === 'string'; }) : [];
      return folder || replaced.length ? { index: folder ? own.index + folder : '', replaced: replaced } : null;
    } catch (e) {
      return null;
    }
  }

  // One Pagefind instance with the given units (and this site's supplement) merged in. Pagefind keeps a merged
  // index that failed to load and then fails every search, so when one fails the instance is made again without
  // it (a supplement that fails is dropped with the pages it replaces: the index then answers as it was made).
  async function open(withUnits, extra) {
    var options = { basePath: own.index, baseUrl: own.root, ranking: RANKING };
    if (province) { options.mergeFilter = {}; options.mergeFilter[UNIT] = own.id; }
    var instance = pagefind.createInstance(options);
    await instance.init();
    await instance.filters();  // fails now if this site's own index cannot load (then nothing can be searched)
    function merge(index, root, id) {
      var opts = { baseUrl: root, ranking: RANKING };
      if (province) { opts.mergeFilter = {}; opts.mergeFilter[UNIT] = id; }
      return withTimeout(instance.mergeIndex(index, opts), MERGE_TIMEOUT_MS)
        .then(function () { return true; }, function () { return false; });
    }
    var merging = withUnits.map(function (u) { return merge(u.index, u.root, u.id); });
    if (extra && extra.index) { merging.push(merge(extra.index, own.root, own.id)); }
    var settled = await Promise.all(merging);
    var failed = withUnits.filter(function (u, i) { return !settled[i]; });
    var extraFailed = !!(extra && extra.index) && !settled[withUnits.length];
    if (failed.length || extraFailed) {
      await instance.destroy();
      var retry = await open(withUnits.filter(function (u, i) { return settled[i]; }), extraFailed ? null : extra);
      return { instance: retry.instance, failed: failed.concat(retry.failed), extra: retry.extra };
    }
    return { instance: instance, failed: [], extra: extra };
  }

  function reportMissing(failed) {
    if (!failed.length || !missingNote) { return; }
    missingNote.textContent = 'Không tải được dữ liệu tìm kiếm của: ' +
      failed.map(function (u) { return u.name; }).join('; ') +
      '. Kết quả dưới đây chỉ gồm các cổng còn lại.';
    missingNote.hidden = false;
    failed.forEach(function (u) { if (u.option) { u.option.disabled = true; } });
  }

  // The filters' choices for the engine in use: the types it holds; in the quick search, also the units that
  // only it holds (units on other software, whose full text the province does not index).
  async function fillChoices() {
    var all = (await engine.filters()) || {};
    if (kindSelect) {
      var chosen = kindSelect.value;
      Array.prototype.slice.call(kindSelect.options, 1).forEach(function (o) { kindSelect.removeChild(o); });
      Object.keys(all[KIND] || {}).sort(function (a, b) { return a.localeCompare(b, 'vi'); }).forEach(function (k) {
        var o = document.createElement('option');
        o.value = k;
        o.textContent = k;
        kindSelect.appendChild(o);
      });
      kindSelect.value = chosen;
      if (kindSelect.value !== chosen) { kindSelect.value = ''; }
    }
    if (unitSelect) {
      Array.prototype.forEach.call(unitSelect.querySelectorAll('option[data-chi-nhanh]'), function (o) {
        unitSelect.removeChild(o);
      });
      if (!fullText) {
        (engine.m ? engine.m.don_vi : []).forEach(function (u) {
          var listed = Array.prototype.some.call(unitSelect.options, function (o) { return o.value === u.ma; });
          if (!listed && u.so_muc && typeof u.ten === 'string') {
            var o = document.createElement('option');
            o.value = u.ma;
            o.textContent = u.ten;
            o.setAttribute('data-chi-nhanh', '');
            unitSelect.appendChild(o);
          }
        });
      }
    }
  }

  function showMode() {
    if (!modeBox) { return; }
    modeBox.hidden = !quickUrl || !window.TimNhanh;
    modeText.textContent = fullText
      ? 'Đang tìm trong toàn bộ nội dung các trang của mọi cơ quan, đơn vị (tải nhiều dữ liệu hơn).'
      : 'Đang tìm theo tiêu đề, số ký hiệu văn bản và mã thủ tục trên mọi cổng trong tỉnh.';
    modeButton.textContent = fullText ? 'Chỉ tìm theo tiêu đề (nhanh hơn)' : 'Tìm trong toàn bộ nội dung';
  }

  // The engine of the current mode, opened once: the quick search, or Pagefind with every unit merged in. The
  // quick search that cannot load gives way to the full text.
  async function useMode() {
    var key = fullText ? 'toan-van' : 'nhanh';
    if (!engines[key]) {
      if (!fullText) {
        try {
          engines[key] = await window.TimNhanh.open(quickUrl, roots);
        } catch (e) {
          fullText = true;
          return useMode();
        }
      } else {
        var loading = supplement();
        pagefind = await import(own.index + 'pagefind.js');
        var opened = await open(units, await loading);
        (opened.extra ? opened.extra.replaced : []).forEach(function (id) { replaced[id] = true; });
        reportMissing(opened.failed);
        engines[key] = opened.instance;
      }
    }
    engine = engines[key];
    showMode();
    await fillChoices();
  }

  /* ---------- results ---------- */
  var found = [];
  var replaced = {};  // ids of this site's indexed pages its supplement replaces
  var shown = 0;
  var searchId = 0;
  var terms = [];

  // The site a result belongs to: the one whose address is the longest start of the result's address.
  function siteOf(url) {
    var best = null;
    sites.forEach(function (s) {
      if (url.indexOf(s.root) === 0 && (!best || s.root.length > best.root.length)) { best = s; }
    });
    return best || own;
  }

  // The excerpt as text, each word that a query word (folded) begins marked: Pagefind's own marks miss the
  // words found through their folded copy (query "dien" for "điện").
  function excerpt(text, terms) {
    var p = document.createElement('p');
    p.className = 'search-result__excerpt';
    text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').split(/(\s+)/).forEach(function (part) {
      var core = fold(part).replace(/^[^0-9a-z]+/, '');
      var hit = part.trim() && terms.some(function (t) { return core.indexOf(t) === 0; });
      if (hit) {
        var mark = document.createElement('mark');
        mark.textContent = part;
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(part));
      }
    });
    return p;
  }

  function resultItem(data, terms) {
    var li = document.createElement('li');
    li.className = 'search-result';
    var h = document.createElement('h2');
    h.className = 'search-result__title';
    var a = document.createElement('a');
    a.className = 'search-result__link';
    a.href = data.url;
    a.textContent = (data.meta && data.meta.title) || data.url;
    h.appendChild(a);
    li.appendChild(h);
    var facts = [];
    if (province) { facts.push(data.unit || siteOf(data.url).name); }
    if (data.meta && data.meta['Số hiệu']) { facts.push(data.meta['Số hiệu']); }
    var kind = (data.filters && data.filters[KIND] && data.filters[KIND][0]) || (data.meta && data.meta['Chuyên mục']);
    if (kind) { facts.push(kind); }
    var when = data.meta && (data.meta['Ngày đăng'] || data.meta['Cập nhật']);
    if (when) { facts.push((data.meta['Ngày đăng'] ? 'Ngày đăng ' : 'Cập nhật ') + when); }
    if (facts.length) {
      var meta = document.createElement('p');
      meta.className = 'search-result__meta';
      facts.forEach(function (f, i) {
        var span = document.createElement('span');
        span.textContent = f;
        if (i === 0 && province) { span.className = 'search-result__unit'; }
        meta.appendChild(span);
      });
      li.appendChild(meta);
    }
    if (data.plain_excerpt) { li.appendChild(excerpt(data.plain_excerpt, terms)); }
    return li;
  }

  async function showMore(id) {
    var next = found.slice(shown, shown + PAGE_SIZE);
    var datas = await Promise.all(next.map(function (r) { return r.data(); }));
    if (id !== searchId) { return; }
    datas.forEach(function (d) { if (d) { list.appendChild(resultItem(d, terms)); } });
    shown += next.length;
    more.hidden = shown >= found.length;
  }

  function currentFilters() {
    var filters = {};
    [unitSelect, kindSelect].forEach(function (s) {
      if (s && s.value) { filters[s.getAttribute('data-loc')] = s.value; }
    });
    return filters;
  }

  function writeUrl(q) {
    var p = new URLSearchParams(window.location.search);
    if (q) { p.set('q', q); } else { p.delete('q'); }
    if (quickUrl && fullText) { p.set('toan-van', '1'); } else { p.delete('toan-van'); }
    [unitSelect, kindSelect].forEach(function (s) {
      if (!s) { return; }
      if (s.value) { p.set(s.name, s.value); } else { p.delete(s.name); }
    });
    var qs = p.toString();
    try {
      window.history.replaceState(null, '', window.location.pathname + (qs ? '?' + qs : '') + window.location.hash);
    } catch (e) { /* keep working without URL state */ }
  }

  async function run() {
    if (!engine) { return; }
    var id = ++searchId;
    var q = cleanQuery(input.value);
    var filters = currentFilters();
    writeUrl(q);
    if (headerBox) { headerBox.value = q; }
    list.textContent = '';
    more.hidden = true;
    found = [];
    shown = 0;
    if (!q && !Object.keys(filters).length) { say(''); return; }
    say(q ? 'Đang tìm «' + q + '»…' : 'Đang tìm…');
    var response;
    try {
      response = await engine.search(q || null, { filters: filters });
    } catch (e) {
      if (id === searchId) { showError(); }
      return;
    }
    if (id !== searchId) { return; }
    found = response.results.filter(function (r) { return !replaced[r.id]; });
    var scope = q ? ' cho «' + q + '»' : '';
    say(found.length ? 'Tìm thấy ' + found.length + ' kết quả' + scope + '.'
                     : 'Không tìm thấy kết quả nào' + scope + '. Hãy thử từ khóa khác hoặc bỏ bớt bộ lọc.');
    terms = fold(q).split(' ').map(function (t) { return t.replace(/[^0-9a-z]/g, ''); }).filter(Boolean);
    await showMore(id);
  }

  /* ---------- wiring ---------- */
  var timer = null;
  more.addEventListener('click', function () { showMore(searchId); });
  if (modeButton) {
    modeButton.addEventListener('click', async function () {
      fullText = !fullText;
      if (await load()) { await run(); }
    });
  }
  form.addEventListener('submit', function (e) { e.preventDefault(); window.clearTimeout(timer); run(); });
  form.addEventListener('change', function (e) { if (e.target !== input) { run(); } });
  input.addEventListener('input', function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 300);
  });

  // Restore the query and filters from the address (?q= also comes from the header search form).
  var params = new URLSearchParams(window.location.search);
  input.value = params.get('q') || '';
  if (headerBox && input.value) { headerBox.value = input.value; }

  // The engine of the current mode, with the page saying so meanwhile; false (and the error note) when it fails.
  async function load() {
    say('Đang tải bộ tìm kiếm…');
    try {
      await useMode();
      return true;
    } catch (e) {
      showError();
      return false;
    }
  }

  async function start() {
    if (!(await load())) { return; }
    [unitSelect, kindSelect].forEach(function (s) {
      if (!s) { return; }
      var v = params.get(s.name);
      if (v !== null && Array.prototype.some.call(s.options, function (o) { return o.value === v && !o.disabled; })) {
        s.value = v;
      }
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-tim-kiem-loc]'), function (f) { f.hidden = false; });
    say('');
    await run();
  }
  start();
})();
