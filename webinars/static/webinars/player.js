// Report real playback of a recording to the tracking endpoint: the seconds
// actually played (the media clock advancing while playing), never the position,
// so seeking forward adds nothing. The server decides what counts as a view.
(function () {
  "use strict";
  var video = document.getElementById("recording-player");
  if (!video) return;
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  var session = Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  var played = 0;
  var reported = 0;
  var sequence = 0;
  var last = null;
  // Between two timeupdate events the clock moves < 1 s in normal playback; a
  // bigger jump is a seek (or a stall catching up) and is not counted.
  var MAX_STEP = 1.0;

  function duration() {
    if (isFinite(video.duration) && video.duration > 0) return video.duration;
    var fromServer = parseFloat(video.dataset.duration);
    return isFinite(fromServer) && fromServer > 0 ? fromServer : null;
  }

  video.addEventListener("playing", function () { last = video.currentTime; });
  video.addEventListener("seeking", function () { last = null; });
  video.addEventListener("seeked", function () { last = video.currentTime; });
  video.addEventListener("timeupdate", function () {
    var now = video.currentTime;
    if (!video.paused && !video.seeking && last !== null) {
      var step = now - last;
      if (step > 0 && step <= MAX_STEP * Math.max(video.playbackRate, 1)) {
        played += step;
      }
    }
    last = video.paused || video.seeking ? null : now;
  });

  function report(keepalive) {
    var seconds = Math.floor(played);
    if (seconds <= reported) return;
    reported = seconds;
    sequence += 1;
    var event = {
      type: "recording_viewed",
      idempotency_key: "rec." + video.dataset.recordingId + "." + session + "." + sequence,
      object_id: video.dataset.recordingId,
      seconds_played: seconds,
      webinar: video.dataset.webinarId,
      language: video.dataset.language || undefined,
    };
    if (video.dataset.roomId) event.room = video.dataset.roomId;
    var total = duration();
    if (total) event.duration = Math.round(total);
    // The page's signed grant authenticates the event on its own; without one,
    // the session and its CSRF token do.
    var headers = { "Content-Type": "application/json" };
    if (video.dataset.trackGrant) headers["X-Tracking-Grant"] = video.dataset.trackGrant;
    else headers["X-CSRFToken"] = csrf ? csrf.value : "";
    fetch(video.dataset.trackUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: headers,
      body: JSON.stringify(event),
    }).catch(function () { reported = 0; });
  }

  setInterval(function () { report(false); }, 5000);
  video.addEventListener("pause", function () { report(false); });
  video.addEventListener("ended", function () { report(false); });
  window.addEventListener("pagehide", function () { report(true); });
  // For tests and assistive tooling: the seconds counted so far.
  video.playedSeconds = function () { return played; };
})();
