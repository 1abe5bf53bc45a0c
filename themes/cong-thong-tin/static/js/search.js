/* cong-thong-tin — search page: loads Pagefind UI from the site's own /pagefind/ folder.
   No other network calls. Pre-fills the query from ?q= (the header search form). */
(function () {
  'use strict';

  var el = document.getElementById('tim-kiem');
  if (!el) { return; }

  var base = new URL(el.getAttribute('data-pagefind-ui-base') || 'pagefind/', document.baseURI).href;
  if (base.slice(-1) !== '/') { base += '/'; }
  var query = new URLSearchParams(window.location.search).get('q') || '';

  // Keep the header search box in sync with the query.
  var headerBox = document.getElementById('o-tim-kiem');
  if (headerBox && query) { headerBox.value = query; }

  function showError() {
    var note = document.querySelector('[data-search-error]');
    if (note) { note.hidden = false; }
  }

  // Pagefind fetches its index, which browsers refuse for pages opened from disk.
  if (window.location.protocol === 'file:') { showError(); }

  var script = document.createElement('script');
  script.src = base + 'pagefind-ui.js';
  script.onerror = showError;
  script.onload = function () {
    if (typeof window.PagefindUI !== 'function') { showError(); return; }
    try {
      new window.PagefindUI({
        element: '#tim-kiem',
        bundlePath: base,
        showSubResults: true,
        showImages: false,
        resetStyles: false,
        translations: {
          placeholder: 'Nhập từ khóa cần tìm',
          clear_search: 'Xóa',
          load_more: 'Xem thêm kết quả',
          search_label: 'Tìm kiếm trên cổng',
          filters_label: 'Bộ lọc',
          zero_results: 'Không tìm thấy kết quả cho [SEARCH_TERM]',
          many_results: 'Tìm thấy [COUNT] kết quả cho [SEARCH_TERM]',
          one_result: 'Tìm thấy [COUNT] kết quả cho [SEARCH_TERM]',
          total_zero_results: 'Không có kết quả',
          total_one_result: '[COUNT] kết quả',
          total_many_results: '[COUNT] kết quả',
          alt_search: 'Không tìm thấy kết quả cho [SEARCH_TERM]. Hiển thị kết quả cho [DIFFERENT_TERM]',
          search_suggestion: 'Không tìm thấy kết quả cho [SEARCH_TERM]. Hãy thử một trong các từ khóa sau:',
          searching: 'Đang tìm [SEARCH_TERM]…'
        }
      });
      // Pagefind UI names its box only by a title: give it a real accessible name. Then fill it as if
      // typed: Pagefind UI's triggerSearch() can fire before its index is ready and then never shows results.
      var tries = 0;
      var ready = function () {
        var input = el.querySelector('.pagefind-ui__search-input');
        if (!input) { if (tries++ < 100) { window.setTimeout(ready, 50); } return; }
        if (!input.getAttribute('aria-label')) { input.setAttribute('aria-label', 'Tìm kiếm trên cổng'); }
        if (query) {
          input.value = query;
          input.dispatchEvent(new Event('input', { bubbles: true }));
        }
      };
      ready();
    } catch (e) {
      showError();
    }
  };
  document.head.appendChild(script);
})();
