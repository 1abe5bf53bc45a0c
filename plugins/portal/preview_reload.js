// Live reload of the warm preview (invoke serve / invoke cms); served by the preview only, never published.
// Polls the preview's version: reloads the tab when pages were rendered again, and shows the problems of a
// saved file that was refused (the last good pages stay). Styles go through the CSSOM: the pages' CSP has no
// 'unsafe-inline'.
(function () {
  "use strict";
  var VERSION = "/__xem-thu/phien-ban";
  var seen = null;
  var box = null;

  function show(problems) {
    if (!problems.length) {
      if (box) { box.remove(); box = null; }
      return;
    }
    if (!box) {
      box = document.createElement("section");
      box.id = "xem-thu-van-de";
      box.setAttribute("role", "alert");
      var s = box.style;
      s.position = "fixed"; s.left = "0"; s.right = "0"; s.bottom = "0"; s.zIndex = "2147483647";
      s.maxHeight = "50vh"; s.overflow = "auto"; s.margin = "0"; s.padding = "1em";
      s.background = "#fff4f4"; s.color = "#5c0000"; s.borderTop = "4px solid #b00020";
      s.font = "15px/1.5 system-ui, sans-serif";
      document.body.appendChild(box);
    }
    box.replaceChildren();
    var title = document.createElement("h2");
    title.textContent = "Tệp vừa lưu có lỗi nên chưa được cập nhật (trang đang hiển thị bản đúng gần nhất):";
    title.style.fontSize = "1.1em"; title.style.margin = "0 0 .5em";
    box.appendChild(title);
    problems.forEach(function (p) {
      var pre = document.createElement("pre");
      pre.textContent = p.van_ban;
      pre.style.whiteSpace = "pre-wrap"; pre.style.margin = "0 0 .5em";
      box.appendChild(pre);
    });
  }

  function poll() {
    fetch(VERSION, { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        if (seen !== null && state.phien_ban !== seen) {
          location.replace(location.href);  // a navigation: theme files come from the cache, unchecked
          return;
        }
        seen = state.phien_ban;
        show(state.van_de);
        setTimeout(poll, 100);
      })
      .catch(function () { setTimeout(poll, 1000); });  // the preview restarting: try again
  }
  poll();
})();
