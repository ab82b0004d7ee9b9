/* SCORM upload: send the zip with XMLHttpRequest to show the upload's progress,
   then poll the unpack task's state until the package is done or refused. The
   admin loads this in the page's head: it starts once the document is parsed. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var form = document.getElementById("scorm-upload-form");
  var importBox = document.getElementById("scorm-import");
  var log = document.getElementById("scorm-import-log");
  var seen = [];

  function text(id, value) { document.getElementById(id).textContent = value; }

  function showStatus(status) {
    var bar = document.getElementById("scorm-import-bar");
    bar.max = status.files_total || 1;
    bar.value = status.finished ? bar.max : status.files_done;
    text("scorm-import-status", status.label);
    // One line per stage; the unpacking line counts up in place.
    if (seen.indexOf(status.status) < 0) {
      seen.push(status.status);
      log.appendChild(document.createElement("li"));
    }
    log.lastChild.textContent = status.label;
    if (status.failed) {
      document.getElementById("scorm-import-status").className = "help-block help-critical";
    }
    if (status.page) {
      var result = document.getElementById("scorm-import-result");
      var link = document.createElement("a");
      link.href = status.page.edit_url;
      link.textContent = "Open “" + status.page.title + "” in the editor";
      result.replaceChildren(link);
      result.hidden = false;
    }
  }

  function poll(url) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        showStatus(status);
        if (!status.finished && !status.failed) {
          setTimeout(function () { poll(url); }, 500);
        }
      }, function () { setTimeout(function () { poll(url); }, 2000); });
  }

  if (importBox && importBox.dataset.statusUrl) { poll(importBox.dataset.statusUrl); }
  if (!form) { return; }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var errors = document.getElementById("scorm-upload-errors");
    errors.hidden = true;
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (progress) {
      if (!progress.lengthComputable) { return; }
      var percent = Math.round(100 * progress.loaded / progress.total);
      document.getElementById("scorm-upload-bar").value = percent;
      text("scorm-upload-percent", percent + "%");
    });
    request.addEventListener("load", function () {
      var answer = {};
      try { answer = JSON.parse(request.responseText); } catch (error) { answer = { error: "The server answered " + request.status + "." }; }
      document.getElementById("scorm-upload-submit").disabled = false;
      if (request.status !== 201) {
        document.getElementById("scorm-upload-progress").hidden = true;
        errors.textContent = answer.error;
        errors.hidden = false;
        return;
      }
      document.getElementById("scorm-upload-bar").value = 100;
      text("scorm-upload-percent", "100%");
      text("scorm-import-status", "Queued.");
      history.replaceState(null, "", answer.status_page);
      poll(answer.status_url);
    });
    request.addEventListener("error", function () {
      document.getElementById("scorm-upload-submit").disabled = false;
      errors.textContent = "The upload was interrupted; try again.";
      errors.hidden = false;
    });
    document.getElementById("scorm-upload-progress").hidden = false;
    document.getElementById("scorm-upload-submit").disabled = true;
    request.send(new FormData(form));
  });
});
