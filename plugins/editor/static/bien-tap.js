/*
 * The editor of a portal (Decap CMS, served from the site at /quan-tri/): Vietnamese strings, the field
 * that suggests the site's own văn bản and procedures, the preview pane drawn like the portal, and the
 * rules Decap cannot express, checked before saving. Plain JavaScript, no build step; it runs after
 * du-lieu-bien-tap.js (window.BIEN_TAP, written by the build: plugins/editor/admin.py) and decap-cms.js,
 * then starts the editor (CMS_MANUAL_INIT).
 */
(function () {
  'use strict';
  var CMS = window.CMS;
  var h = window.h;
  var createClass = window.createClass;
  var DATA = window.BIEN_TAP || {};

  /* ---------- Vietnamese strings ----------
   * Decap's own "vi" locale leaves these keys out (compared with its "en" locale in the vendored bundle;
   * tests/test_editor_browser.py fails if a key of "en" is still missing). The workflow statuses use the
   * board's words: Bản nháp, Chờ duyệt, Sẵn sàng đăng (docs/huong-dan-bien-tap.md). */
  var VI = {
    auth: {
      loginWithAzure: 'Đăng nhập bằng Azure',
      loginWithForgejo: 'Đăng nhập bằng Forgejo'
    },
    collection: {
      collectionTop: {
        viewAs: 'Xem dạng',
        viewAsList: 'Xem dạng danh sách',
        viewAsGrid: 'Xem dạng lưới',
        groupBy: 'Nhóm theo'
      },
      entries: { unpublishedHeader: 'Bài chưa đăng' },
      groups: { other: 'Khác', negateLabel: 'Không phải %{label}' }
    },
    editor: {
      editor: {
        onPublishingNotReady: 'Hãy chuyển trạng thái sang «Sẵn sàng đăng» trước khi công bố.'
      },
      editorControl: { field: { widgetLabel: 'Trường %{widgetLabel}' } },
      editorControlPane: {
        i18n: {
          writingInLocale: 'Đang viết bằng %{locale}',
          copyFromLocale: 'Điền từ ngôn ngữ khác',
          copyFromLocaleConfirm: 'Bạn có muốn điền dữ liệu từ ngôn ngữ %{locale}?\nMọi nội dung hiện có sẽ bị ghi đè.'
        }
      },
      editorInterface: {
        toggleI18n: 'Bật/tắt đa ngôn ngữ',
        togglePreview: 'Bật/tắt xem trước',
        toggleScrollSync: 'Cuộn đồng bộ',
        toggleNotes: 'Bật/tắt ghi chú'
      },
      editorNotesPane: {
        title: 'Ghi chú',
        emptyState: 'Chưa có ghi chú. Thêm ghi chú đầu tiên ở bên dưới để trao đổi.',
        addNote: 'Thêm ghi chú',
        addPlaceholder: 'Thêm ghi chú...',
        editPlaceholder: 'Sửa ghi chú...',
        save: 'Lưu',
        cancel: 'Hủy',
        edit: 'Sửa',
        'delete': 'Xóa',
        resolve: 'Đánh dấu đã xử lý',
        unresolve: 'Bỏ đánh dấu đã xử lý',
        confirmDelete: 'Bạn có chắc muốn xóa ghi chú này?',
        shortcut: 'Mẹo: nhấn Ctrl+Enter để thêm ghi chú nhanh'
      },
      editorToolbar: {
        status: 'Trạng thái',
        statusInfoTooltipDraft: 'Bài đang ở trạng thái bản nháp. Khi viết xong, chuyển sang «Chờ duyệt» để gửi duyệt.',
        statusInfoTooltipInReview: 'Bài đang chờ duyệt, không cần làm gì thêm. Bạn vẫn có thể sửa bài trong lúc chờ duyệt.',
        draft: 'Bản nháp',
        inReview: 'Chờ duyệt',
        ready: 'Sẵn sàng đăng',
        deleteUnpublishedEntry: 'Xóa bài chưa đăng này'
      },
      editorWidgets: {
        markdown: {
          bold: 'Chữ đậm',
          italic: 'Chữ nghiêng',
          strikethrough: 'Gạch ngang',
          code: 'Mã',
          link: 'Liên kết',
          linkPrompt: 'Nhập địa chỉ của liên kết',
          headings: 'Tiêu đề mục',
          quote: 'Trích dẫn',
          bulletedList: 'Danh sách không đánh số',
          numberedList: 'Danh sách đánh số',
          addComponent: 'Thêm thành phần',
          toggleMode: {
            rich: 'Chuyển sang chế độ soạn thảo trực quan',
            markdown: 'Chuyển sang chế độ Markdown'
          }
        },
        image: {
          chooseMultiple: 'Chọn ảnh',
          chooseUrl: 'Chèn từ địa chỉ web',
          replaceUrl: 'Thay bằng địa chỉ web',
          promptUrl: 'Nhập địa chỉ web của ảnh',
          addMore: 'Thêm ảnh',
          removeAll: 'Xóa tất cả ảnh'
        },
        file: {
          choose: 'Chọn một tệp',
          chooseDifferent: 'Chọn tệp khác',
          remove: 'Gỡ bỏ tệp',
          chooseUrl: 'Chèn từ địa chỉ web',
          chooseMultiple: 'Chọn tệp',
          replaceUrl: 'Thay bằng địa chỉ web',
          promptUrl: 'Nhập địa chỉ web của tệp',
          addMore: 'Thêm tệp',
          removeAll: 'Xóa tất cả tệp'
        },
        datetime: { setToNow: 'Đặt «%{fieldLabel}» là bây giờ' },
        list: { add: 'Thêm %{item}', addType: 'Thêm %{item}' },
        object: { expand: 'Mở rộng', collapse: 'Thu gọn' }
      }
    },
    mediaLibrary: {
      mediaLibraryCard: {
        copy: 'Sao chép',
        copyUrl: 'Sao chép địa chỉ',
        copyPath: 'Sao chép đường dẫn',
        copyName: 'Sao chép tên',
        copied: 'Đã sao chép'
      },
      mediaLibraryModal: { close: 'Đóng', deleteSelected: 'Xóa tệp đã chọn', chooseSelected: 'Dùng tệp đã chọn' }
    },
    ui: {
      settingsDropdown: { account: 'Tùy chọn tài khoản' },
      toast: {
        onFailToPersist: 'Chưa lưu được. %{details}',
        noteAdded: 'Đã thêm ghi chú',
        onFailToAddNote: 'Không thêm được ghi chú: %{details}',
        noteUpdated: 'Đã cập nhật ghi chú',
        onFailToUpdateNote: 'Không cập nhật được ghi chú: %{details}',
        noteDeleted: 'Đã xóa ghi chú',
        onFailToDeleteNote: 'Không xóa được ghi chú: %{details}',
        noteResolved: 'Đã đánh dấu ghi chú là đã xử lý',
        noteReopened: 'Đã mở lại ghi chú',
        onFailToToggleNote: 'Không đổi được trạng thái ghi chú: %{details}'
      }
    },
    workflow: {
      workflowList: {
        draftHeader: 'Bản nháp',
        inReviewHeader: 'Chờ duyệt',
        readyHeader: 'Sẵn sàng đăng'
      }
    }
  };

  function merged(base, extra) {
    var out = {};
    var key;
    for (key in base) { if (Object.prototype.hasOwnProperty.call(base, key)) { out[key] = base[key]; } }
    for (key in extra) {
      if (!Object.prototype.hasOwnProperty.call(extra, key)) { continue; }
      var value = extra[key];
      out[key] = (value && typeof value === 'object' && base && typeof base[key] === 'object')
        ? merged(base[key], value) : value;
    }
    return out;
  }

  CMS.registerLocale('vi', merged(CMS.getLocale('vi') || {}, VI));

  /* ---------- Values as the portal shows them ---------- */
  function plain(value) {
    return value && typeof value.toJS === 'function' ? value.toJS() : value;
  }

  function empty(value) {
    value = plain(value);
    if (value === null || value === undefined || value === '') { return true; }
    if (Array.isArray(value)) { return value.length === 0; }
    if (typeof value === 'object') {
      return Object.keys(value).every(function (k) { return empty(value[k]); });
    }
    return false;
  }

  function dateText(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?/.exec(String(value));
    if (!m) { return String(value); }
    return m[3] + '/' + m[2] + '/' + m[1] + (m[4] && (m[4] !== '00' || m[5] !== '00') ? ' ' + m[4] + ':' + m[5] : '');
  }

  function text(field, value) {
    value = plain(value);
    if (empty(value)) { return ''; }
    if (field.nhan_gia_tri) {
      var labels = field.nhan_gia_tri;
      return (Array.isArray(value) ? value : [value]).map(function (v) { return labels[v] || v; }).join('; ');
    }
    if (field.kieu === 'datetime') { return dateText(value); }
    if (field.kieu === 'boolean') { return value ? 'Có' : 'Không'; }
    if (Array.isArray(value)) { return value.join('; '); }
    return String(value);
  }

  /* Any value as elements: lists as lists, groups of fields as small tables, files as links. */
  function show(field, value, props, key) {
    value = plain(value);
    if (empty(value)) { return null; }
    if (field.kieu === 'list' && field.truong) {
      return h('ol', { key: key, className: 'preview-list' }, value.map(function (item, i) {
        return h('li', { key: i }, group(field.truong, item, props));
      }));
    }
    if (field.kieu === 'list' && field.truong_don) {
      return h('ul', { key: key, className: 'preview-list' }, value.map(function (item, i) {
        return h('li', { key: i }, text(field.truong_don, item));
      }));
    }
    if (field.kieu === 'object') { return group(field.truong, value, props, key); }
    if (field.kieu === 'file' || field.kieu === 'image') {
      var asset = props.getAsset(value);
      return h('a', { key: key, href: asset ? asset.toString() : value }, value);
    }
    return text(field, value);
  }

  function group(fields, value, props, key) {
    var rows = fields.filter(function (f) { return !empty(value[f.ten]); }).map(function (f) {
      return h('tr', { key: f.ten }, h('th', { scope: 'row' }, f.nhan), h('td', null, show(f, value[f.ten], props)));
    });
    return h('table', { key: key, className: 'table table--facts' }, h('tbody', null, rows));
  }

  /* ---------- Preview: one template per content type, drawn with the portal's CSS ---------- */
  var HEADER_FIELDS = ['tieu_de', 'ngay', 'tom_tat', 'anh', 'tac_gia', 'nguon'];

  function preview(collection, layout) {
    return createClass({
      render: function () {
        var props = this.props;
        var data = plain(props.entry.get('data')) || {};
        var fields = layout.truong;
        var byName = {};
        fields.forEach(function (f) { byName[f.ten] = f; });
        var title = data.tieu_de || (layout.bo_cuc === 'lich' && data.tu_ngay ? 'Lịch công tác tuần từ ' + dateText(data.tu_ngay) : '');
        var meta = [];
        if (data.ngay) { meta.push(h('span', { key: 'ngay' }, 'Ngày đăng: ', h('time', null, dateText(data.ngay)))); }
        if (data.tac_gia) { meta.push(h('span', { key: 'tg' }, ' Tác giả: ' + data.tac_gia)); }
        if (data.nguon) { meta.push(h('span', { key: 'ng' }, ' Nguồn: ' + data.nguon)); }
        var image = null;
        if (data.anh && data.anh.tep) {
          var asset = props.getAsset(data.anh.tep);
          image = h('figure', { className: 'figure item__image' },
            h('img', { src: asset ? asset.toString() : data.anh.tep, alt: data.anh.mo_ta || '' }),
            data.anh.chu_thich ? h('figcaption', null, data.anh.chu_thich) : null);
        }
        var rest = fields.filter(function (f) { return HEADER_FIELDS.indexOf(f.ten) < 0 && !empty(data[f.ten]); });
        var facts = null;
        if (!rest.length) {
          facts = null;
        } else if (layout.bo_cuc === 'thu-tuc') {
          facts = rest.map(function (f) {
            return h('section', { key: f.ten, className: 'procedure-section' }, h('h2', null, f.nhan), h('div', null, show(f, data[f.ten], props)));
          });
        } else {
          facts = h('table', { className: 'table table--facts' },
            h('caption', null, layout.bo_cuc === 'van-ban' ? 'Thông tin văn bản' : 'Thông tin'),
            h('tbody', null, rest.map(function (f) {
              return h('tr', { key: f.ten }, h('th', { scope: 'row' }, f.nhan), h('td', null, show(f, data[f.ten], props)));
            })));
        }
        var body = h('div', { className: 'prose', key: 'body' }, props.widgetFor('body'));
        var main = layout.bo_cuc === 'tin' || layout.bo_cuc === 'trang' ? [body, h('div', { key: 'f' }, facts)] : [h('div', { key: 'f' }, facts), body];
        return h('main', { id: 'noi-dung', className: 'container preview-page', 'data-loai': collection },
          h('article', { className: 'layout-item' },
            h('header', { className: 'item-header' },
              h('p', { className: 'item-header__section' }, layout.ten_loai),
              h('h1', { className: 'item-header__title' }, title || '(Chưa có tiêu đề)'),
              h('p', { className: 'item-header__meta' }, meta)),
            image,
            data.tom_tat ? h('p', { className: 'item__lead' }, data.tom_tat) : null,
            main));
      }
    });
  }

  CMS.registerPreviewStyle('../theme/css/portal.css');
  CMS.registerPreviewStyle('xem-truoc.css');
  Object.keys(DATA.xem_truoc || {}).forEach(function (collection) {
    CMS.registerPreviewTemplate(collection, preview(collection, DATA.xem_truoc[collection]));
  });

  /* ---------- A text field that suggests the site's own items (and accepts any value) ---------- */
  var Suggest = createClass({
    handleChange: function (event) { this.props.onChange(event.target.value); },
    render: function () {
      var field = this.props.field;
      var listId = this.props.forID + '-goi-y';
      var options = (DATA.goi_y && DATA.goi_y[field.get('collection')]) || [];
      return h('div', null,
        h('input', {
          type: 'text', id: this.props.forID, className: this.props.classNameWrapper, value: this.props.value || '',
          onChange: this.handleChange, onFocus: this.props.setActiveStyle, onBlur: this.props.setInactiveStyle,
          list: listId, autoComplete: 'off'
        }),
        h('datalist', { id: listId }, options.map(function (o, i) {
          return h('option', { key: i, value: o.gia_tri }, o.mo_ta);
        })));
    }
  });
  CMS.registerWidget('goi-y', Suggest, function (props) { return h('span', null, props.value || ''); });

  /* ---------- Before saving: drop empty values, check what Decap cannot ---------- */
  function clean(value) {
    if (!value || typeof value.toJS !== 'function') { return value; }
    var isList = typeof value.push === 'function';
    var out = value.map(clean).filter(function (v, key) { return key === 'body' || !empty(v); });
    return isList ? out.toList() : out;
  }

  function at(data, path) {
    return path.reduce(function (v, k) { return v && typeof v === 'object' ? v[k] : undefined; }, data);
  }

  function broken(rule, data) {
    var where = at(data, rule.duong_dan);
    if (rule.loai === 'mot-trong') {
      return (where || []).some(function (item) {
        return rule.truong.every(function (f) { return empty(item[f]); });
      });
    }
    if (!where || typeof where !== 'object') { return false; }
    var missing = rule.truong.some(function (f) { return empty(where[f]); });
    if (rule.loai === 'nhom') { return !empty(where) && missing; }
    if (rule.loai === 'kem-theo') { return !empty(where[rule.khi]) && missing; }
    if (rule.loai === 'neu') { return rule.gia_tri.indexOf(where[rule.khi]) >= 0 && missing; }
    return false;
  }

  function problems(collection, data) {
    var rules = (DATA.quy_tac && DATA.quy_tac[collection]) || [];
    return rules.filter(function (rule) {
      if (rule.loai === 'nhom' && rule.duong_dan.length === 1) { return broken(rule, data); }
      if (rule.loai === 'nhom') { return false; }  // inside list items: invoke check reports them
      return broken(rule, data);
    }).map(function (rule) { return rule.thong_bao; });
  }

  CMS.registerEventListener({
    name: 'preSave',
    handler: function (args) {
      var entry = args.entry;
      var data = clean(entry.get('data'));
      var found = problems(entry.get('collection'), plain(data));
      if (found.length) {
        throw new Error('Cần sửa trước khi lưu: ' + found.join(' '));
      }
      return data;
    }
  });

  window.BIEN_TAP_KIEM_TRA = problems;  // for the browser tests
  // Decap wants an absolute address for its local backend: invoke cms serves it on this page's origin.
  CMS.init({ config: { local_backend: { url: window.location.origin + '/api/v1' } } });
  var frame = document.getElementById('khung-cho');
  if (frame) { frame.hidden = true; }
}());
