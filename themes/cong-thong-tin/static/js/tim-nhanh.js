/* cong-thong-tin — the province-wide quick search: every unit's items by title, number and code, from the index
   `invoke aggregate` writes under tong-hop/tim-nhanh/ (plugins/aggregate/title_index.py describes its files).
   Plain ES2017, no libraries. search.js uses it on the provincial portal's search page before, or instead of,
   Pagefind's full-text search: a first search fetches the manifest, one word shard per query word and the
   block of the first results, tens of kilobytes where the merged full-text indexes of every unit fetch megabytes.
   - Words are folded exactly as title_index.py folds them (NFD, marks U+0300–U+036F removed, đ/ð → d, lower
     case, split on anything but 0-9a-z): "dang ky khai sinh" finds "Đăng ký khai sinh".
   - An item must hold every word of the query; results are newest first, except that a query typed with
     diacritics puts first the items that spell more of its words so ("Đắk Nông" before "Đăk Nông").
   - The last word may be still being typed: when the index does not hold it, or it finds nothing with the
     others, it stands for the commonest words it begins (dau/: "khai si" finds "khai sinh").
   - Everything read is text from the units and other portals: it is returned as data, for textContent, and an
     address that is not http(s) is dropped.
   window.TimNhanh.open(manifestUrl) → an engine with search(query, {filters}) and filters(), shaped like
   Pagefind's (results with data() promises), so search.js shows both alike. */
(function () {
  'use strict';

  var UNIT = 'Đơn vị';
  var KIND = 'Loại';
  var MAX_WORD = 40;
  var BEGUN = 8;  // the commonest words a last word being typed stands for

  function fold(s) {
    return String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐðÐ]/g, 'd').toLowerCase();
  }

  function words(s) {
    var seen = {};
    return fold(s).split(/[^0-9a-z]+/).filter(function (w) {
      if (!w || w.length > MAX_WORD || seen[w]) { return false; }
      seen[w] = true;
      return true;
    });
  }

  // The words of s that carry diacritics, as spelt (lower case, NFC): the class of title_index.py's _SPELT.
  var SPELT = /[0-9a-zàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]+/g;
  function spelt(s) {
    var seen = {};
    return (String(s || '').normalize('NFC').toLowerCase().match(SPELT) || []).filter(function (w) {
      if (w.length > MAX_WORD || fold(w) === w || seen[w]) { return false; }
      seen[w] = true;
      return true;
    });
  }

  var utf8 = new TextEncoder();
  function fnv1a(word) {
    var bytes = utf8.encode(word);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  function getJson(url, fresh) {
    return fetch(url, fresh ? { cache: 'no-cache' } : {}).then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status + ' ' + url); }
      return r.json();
    });
  }

  function isText(v) { return typeof v === 'string'; }

  // dd/mm/yyyy from yyyy-mm-dd, as the portal writes dates.
  function vnDate(day) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || '');
    return m ? m[3] + '/' + m[2] + '/' + m[1] : '';
  }

  function Engine(manifestUrl, manifest, roots) {
    this.base = new URL(manifest.the_he + '/', manifestUrl).href;
    this.m = manifest;
    this.roots = roots || {};
    this.shards = {};
    this.blocks = {};
  }

  Engine.prototype.shard = function (n) {
    if (!this.shards[n]) { this.shards[n] = getJson(this.base + 'tu/' + n + '.json', false); }
    return this.shards[n];
  };

  Engine.prototype.block = function (n) {
    if (!this.blocks[n]) { this.blocks[n] = getJson(this.base + 'muc/' + n + '.json', false); }
    return this.blocks[n];
  };

  // The ascending item numbers of one word (or filter word), [] when the index does not hold it.
  Engine.prototype.list = function (word) {
    return this.shard(fnv1a(word) % this.m.so_manh).then(function (shard) {
      var deltas = Object.prototype.hasOwnProperty.call(shard, word) ? shard[word] : [];
      var out = new Array(deltas.length);
      var at = 0;
      for (var i = 0; i < deltas.length; i++) { at += deltas[i]; out[i] = at; }
      return out;
    });
  };

  function union(lists) {
    var seen = {};
    var out = [];
    lists.forEach(function (list) { list.forEach(function (n) { if (!seen[n]) { seen[n] = true; out.push(n); } }); });
    return out.sort(function (a, b) { return a - b; });
  }

  function intersect(lists) {
    lists = lists.slice();
    lists.sort(function (a, b) { return a.length - b.length; });
    var result = lists[0] || [];
    for (var i = 1; i < lists.length && result.length; i++) {
      var other = lists[i];
      var kept = [];
      var j = 0;
      for (var k = 0; k < result.length; k++) {
        while (j < other.length && other[j] < result[k]) { j++; }
        if (j < other.length && other[j] === result[k]) { kept.push(result[k]); }
      }
      result = kept;
    }
    return result;
  }

  // The commonest words (at most BEGUN) that begin with prefix, longer than it.
  Engine.prototype.begun = function (prefix) {
    return getJson(this.base + 'dau/' + prefix.slice(0, 2) + '.json', false).then(function (known) {
      return Object.keys(known).filter(function (w) { return w.length > prefix.length && w.indexOf(prefix) === 0; })
        .sort(function (a, b) { return known[b] - known[a] || (a < b ? -1 : 1); }).slice(0, BEGUN);
    }, function () { return []; });
  };

  function indexOf(list, key, value) {
    for (var i = 0; i < list.length; i++) { if (list[i][key] === value) { return i; } }
    return -1;
  }

  Engine.prototype.filters = function () {
    var out = {};
    out[UNIT] = {};
    out[KIND] = {};
    this.m.don_vi.forEach(function (u) { if (u.so_muc) { out[UNIT][u.ma] = u.so_muc; } });
    this.m.loai.forEach(function (k) { if (k.so_muc) { out[KIND][k.ten] = k.so_muc; } });
    return Promise.resolve(out);
  };

  Engine.prototype.search = function (query, options) {
    var self = this;
    var filters = (options && options.filters) || {};
    var wanted = words(query);
    var last = wanted.length - 1;  // the word that may be still being typed
    if (filters[UNIT]) {
      var u = indexOf(this.m.don_vi, 'ma', filters[UNIT]);
      wanted.push(u < 0 ? '~none' : '~u' + u);
    }
    if (filters[KIND]) {
      var k = indexOf(this.m.loai, 'ten', filters[KIND]);
      wanted.push(k < 0 ? '~none' : '~k' + k);
    }
    if (!wanted.length) { return Promise.resolve({ results: [] }); }
    var exact = spelt(query);
    return Promise.all(wanted.map(function (w) { return self.list(w); })).then(function (lists) {
      var found = intersect(lists);
      if (last < 0 || wanted[last].length < 2 || (lists[last].length && found.length)) { return found; }
      return self.begun(wanted[last]).then(function (more) {
        if (!more.length) { return found; }
        return Promise.all(more.map(function (w) { return self.list(w); })).then(function (extra) {
          lists[last] = union([lists[last]].concat(extra));
          return intersect(lists);
        });
      });
    }).then(function (found) {
      if (!exact.length || found.length < 2) { return found; }
      return Promise.all(exact.map(function (w) { return self.list('=' + w); })).then(function (spelled) {
        var score = {};
        spelled.forEach(function (list) { list.forEach(function (n) { score[n] = (score[n] || 0) + 1; }); });
        return found.slice().sort(function (a, b) { return (score[b] || 0) - (score[a] || 0) || a - b; });
      });
    }).then(function (ordered) {
      return { results: ordered.map(function (n) {
        return { id: 'nhanh-' + n, data: function () { return self.item(n); } };
      }) };
    });
  };

  // What search.js shows of item n: Pagefind's shape (url, meta.title, filters) plus the unit's name.
  Engine.prototype.item = function (n) {
    var self = this;
    var size = this.m.khoi;
    return this.block(Math.floor(n / size)).then(function (rows) {
      var row = rows[n % size];
      if (!Array.isArray(row) || !isText(row[0]) || !isText(row[1])) { return null; }
      var unit = self.m.don_vi[row[2]] || {};
      var kind = self.m.loai[row[3]] || {};
      var url = row[1];
      if (!/^https?:\/\//i.test(url)) { return null; }
      var local = self.roots[unit.ma];
      if (local && isText(unit.goc) && url.indexOf(unit.goc) === 0) {
        url = local.replace(/\/$/, '') + url.slice(unit.goc.replace(/\/$/, '').length);
      }
      var meta = { title: row[0] };
      if (vnDate(row[4])) { meta['Ngày đăng'] = vnDate(row[4]); }
      if (isText(row[5]) && row[5]) { meta['Số hiệu'] = row[5]; }
      var filters = {};
      if (isText(kind.ten)) { filters[KIND] = [kind.ten]; }
      return { url: url, meta: meta, filters: filters, unit: isText(unit.ten) ? unit.ten : '' };
    });
  };

  function valid(m) {
    return m && m.phien_ban === 2 && isText(m.the_he) && /^[0-9a-z]+$/.test(m.the_he) && m.so_manh > 0 &&
      m.khoi > 0 && Array.isArray(m.don_vi) && Array.isArray(m.loai);
  }

  window.TimNhanh = {
    fold: fold,
    words: words,
    spelt: spelt,
    fnv1a: fnv1a,
    // roots: unit id → where its pages are for this page (the local preview serves every unit beside the
    // province; the index holds their public addresses).
    open: function (manifestUrl, roots) {
      return getJson(manifestUrl, true).then(function (m) {
        if (!valid(m)) { throw new Error('tim-nhanh: manifest'); }
        return new Engine(manifestUrl, m, roots);
      });
    }
  };
})();
