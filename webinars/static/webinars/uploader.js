// Resumable chunked upload of a recording, with a progress bar. The server holds
// the offset: before each chunk we post at the offset it confirmed, and on a
// conflict (409) or a new attempt we continue from the offset it reports. An
// interrupted upload resumes when the same file is chosen again (remembered in
// localStorage by name, size and modification time).
(function () {
  "use strict";
  var form = document.getElementById("recording-upload");
  if (!form) return;
  var input = document.getElementById("upload-file");
  var title = document.getElementById("upload-title");
  var bar = document.getElementById("upload-progress");
  var statusText = document.getElementById("upload-status");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var chunkBytes = parseInt(form.dataset.chunkBytes, 10);
  var maxBytes = parseInt(form.dataset.maxBytes, 10);

  function say(text) { statusText.textContent = text; }
  function fileKey(file) {
    return "recording-upload:" + form.dataset.startUrl + ":" + file.name + ":" +
      file.size + ":" + file.lastModified;
  }
  function json(response) {
    return response.json().then(function (body) {
      return { status: response.status, body: body };
    });
  }
  function request(url, options) {
    options = options || {};
    options.credentials = "same-origin";
    options.headers = Object.assign({ "X-CSRFToken": csrf }, options.headers || {});
    return fetch(url, options).then(json);
  }

  function start(file) {
    var saved = localStorage.getItem(fileKey(file));
    if (saved) {
      return request(saved).then(function (answer) {
        if (answer.status === 200 && answer.body.status === "uploading") return answer.body;
        localStorage.removeItem(fileKey(file));
        return start(file);
      });
    }
    return request(form.dataset.startUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ filename: file.name, size: file.size, title: title.value }),
    }).then(function (answer) {
      if (answer.status !== 201) throw new Error(answer.body.error);
      localStorage.setItem(fileKey(file), answer.body.upload_url);
      return answer.body;
    });
  }

  function send(file, state, retries) {
    bar.value = Math.floor((100 * state.offset) / file.size);
    if (state.offset >= file.size) return Promise.resolve(state);
    var end = Math.min(state.offset + chunkBytes, file.size);
    return request(state.upload_url, {
      method: "POST",
      headers: {
        "Content-Type": "application/octet-stream",
        "Upload-Offset": String(state.offset),
      },
      body: file.slice(state.offset, end),
    }).then(function (answer) {
      if (answer.status === 200) {
        return send(file, Object.assign(state, answer.body), 0);
      }
      if (answer.status === 409) {
        return send(file, Object.assign(state, { offset: answer.body.offset }), retries);
      }
      throw new Error(answer.body.error || "Upload failed.");
    }, function (networkError) {
      // The connection dropped: ask the server where it stands, then go on.
      if (retries >= 5) throw networkError;
      return new Promise(function (resolve) { setTimeout(resolve, 1000 * (retries + 1)); })
        .then(function () { return request(state.upload_url); })
        .then(function (answer) { return send(file, answer.body, retries + 1); });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = input.files[0];
    if (!file) return;
    if (file.size > maxBytes) { say("The file is too large."); return; }
    say("Uploading…");
    start(file)
      .then(function (state) { return send(file, state, 0); })
      .then(function (state) {
        localStorage.removeItem(fileKey(file));
        bar.value = 100;
        if (state.status === "failed") throw new Error(state.error);
        say("Uploaded. The recording is being processed; reload to see it.");
      })
      .catch(function (error) { say(error.message); });
  });
})();
