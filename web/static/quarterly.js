// The quarterly-report upload page: sends the form with XMLHttpRequest so
// that a <progress> bar follows the upload, then swaps the result (or the
// table of problems) and the summary in from the page the server answers
// with. Without this script the form posts as usual. Served from /static:
// the CSP allows no inline script.
(function () {
  'use strict';
  var form = document.getElementById('quarterly-upload');
  if (!form || !window.XMLHttpRequest || !window.FormData || !window.DOMParser) {
    return;
  }
  var bar = document.getElementById('quarterly-progress');
  var button = document.getElementById('quarterly-submit');
  var status = document.getElementById('quarterly-status');

  function swap(doc, id) {
    var fresh = doc.getElementById(id);
    var old = document.getElementById(id);
    if (fresh && old) {
      old.replaceWith(document.importNode(fresh, true));
    }
    return !!fresh;
  }

  function done() {
    bar.hidden = true;
    button.disabled = false;
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
    xhr.upload.addEventListener('progress', function (e) {
      if (e.lengthComputable) {
        bar.max = e.total;
        bar.value = e.loaded;
      }
    });
    xhr.addEventListener('load', function () {
      done();
      status.textContent = '';
      var doc = new DOMParser().parseFromString(xhr.responseText, 'text/html');
      if (swap(doc, 'quarterly-result')) {
        swap(doc, 'quarterly-summary');
        var result = document.getElementById('quarterly-result');
        if (result) {
          result.focus();
        }
        return;
      }
      // Not the upload page (an error page, the login form): show it.
      var main = doc.querySelector('main');
      if (main) {
        document.querySelector('main').replaceWith(document.importNode(main, true));
      }
    });
    xhr.addEventListener('error', function () {
      done();
      status.textContent = status.dataset.failed;
    });
    bar.value = 0;
    bar.hidden = false;
    button.disabled = true;
    status.textContent = status.dataset.sending;
    xhr.send(new FormData(form));
  });
}());
