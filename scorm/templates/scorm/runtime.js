/* SCORM runtime for the content origin: window.API (1.2) and window.API_1484_11
   (2004) with the CMI data model and the standard error codes. The SCO, in a child
   frame of the same origin, finds the API by walking up its parent frames. Data is
   committed to the runtime URL (authenticated by the launch token in the path). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("scorm-runtime-config").textContent);
  var standard = config.standard;
  var values = config.values;
  var state = "not initialized"; // "running", "terminated"
  var lastError = "0";
  var diagnostic = "";
  var dirty = false;
  var timer = null;
  var navigation = config.navigation; // null: one item, nothing to navigate to
  var navigating = false;
  var NAV_REQUEST = /^(\{target=[^{}]+\})?(continue|previous|choice|jump|exit|exitAll|abandon|abandonAll|suspendAll|_none_)$/;
  // A request left over from an earlier session must not fire again.
  if (standard !== "scorm12") { values["adl.nav.request"] = "_none_"; }

  var ERRORS_12 = {
    "0": "No error", "101": "General exception", "201": "Invalid argument error",
    "202": "Element cannot have children", "203": "Element not an array - cannot have count",
    "301": "Not initialized", "401": "Not implemented error",
    "402": "Invalid set value, element is a keyword", "403": "Element is read only",
    "404": "Element is write only", "405": "Incorrect data type"
  };
  var ERRORS_2004 = {
    "0": "No error", "101": "General exception", "102": "General initialization failure",
    "103": "Already initialized", "104": "Content instance terminated",
    "111": "General termination failure", "112": "Termination before initialization",
    "113": "Termination after termination", "122": "Retrieve data before initialization",
    "123": "Retrieve data after termination", "132": "Store data before initialization",
    "133": "Store data after termination", "142": "Commit before initialization",
    "143": "Commit after termination", "201": "General argument error",
    "301": "General get failure", "351": "General set failure",
    "391": "General commit failure", "401": "Undefined data model element",
    "402": "Unimplemented data model element", "403": "Data model element value not initialized",
    "404": "Data model element is read only", "405": "Data model element is write only",
    "406": "Data model element type mismatch", "407": "Data model element value out of range",
    "408": "Data model dependency not established"
  };

  function vocabulary(list) {
    return function (v) { return list.indexOf(v) >= 0; };
  }
  function decimalIn(low, high) {
    return function (v) {
      if (!/^-?\d+(\.\d+)?$/.test(v)) { return false; }
      var n = parseFloat(v);
      return (low === null || n >= low) && (high === null || n <= high);
    };
  }
  function maxLength(n) { return function (v) { return v.length <= n; }; }
  var TIME_12 = /^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/;
  var TIME_2004 = /^P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$/;

  // element: [access ("r", "w", "rw"), check]
  var MODEL_12 = {
    "cmi.core._children": ["r"], "cmi.core.student_id": ["r"], "cmi.core.student_name": ["r"],
    "cmi.core.lesson_location": ["rw", maxLength(255)], "cmi.core.credit": ["r"],
    "cmi.core.lesson_status": ["rw", vocabulary(["passed", "completed", "failed", "incomplete", "browsed"])],
    "cmi.core.entry": ["r"], "cmi.core.score._children": ["r"],
    "cmi.core.score.raw": ["rw", decimalIn(0, 100)], "cmi.core.score.min": ["rw", decimalIn(0, 100)],
    "cmi.core.score.max": ["rw", decimalIn(0, 100)], "cmi.core.total_time": ["r"],
    "cmi.core.lesson_mode": ["r"],
    "cmi.core.exit": ["w", vocabulary(["time-out", "suspend", "logout", ""])],
    "cmi.core.session_time": ["w", function (v) { return TIME_12.test(v); }],
    "cmi.suspend_data": ["rw", maxLength(4096)], "cmi.launch_data": ["r"],
    "cmi.comments": ["rw", maxLength(4096)], "cmi.comments_from_lms": ["r"],
    "cmi.student_data._children": ["r"], "cmi.student_data.mastery_score": ["r"],
    "cmi.student_preference._children": ["r"],
    "cmi.student_preference.audio": ["rw", decimalIn(-1, 100)],
    "cmi.student_preference.language": ["rw", maxLength(255)],
    "cmi.student_preference.speed": ["rw", decimalIn(-100, 100)],
    "cmi.student_preference.text": ["rw", decimalIn(-1, 1)],
    "cmi.objectives._children": ["r"], "cmi.objectives._count": ["r"],
    "cmi.interactions._children": ["r"], "cmi.interactions._count": ["r"]
  };
  var MODEL_2004 = {
    "cmi._version": ["r"], "cmi.learner_id": ["r"], "cmi.learner_name": ["r"],
    "cmi.location": ["rw", maxLength(1000)], "cmi.credit": ["r"], "cmi.entry": ["r"],
    "cmi.mode": ["r"], "cmi.launch_data": ["r"], "cmi.total_time": ["r"],
    "cmi.completion_status": ["rw", vocabulary(["completed", "incomplete", "not attempted", "unknown"])],
    "cmi.success_status": ["rw", vocabulary(["passed", "failed", "unknown"])],
    "cmi.score._children": ["r"], "cmi.score.scaled": ["rw", decimalIn(-1, 1)],
    "cmi.score.raw": ["rw", decimalIn(null, null)], "cmi.score.min": ["rw", decimalIn(null, null)],
    "cmi.score.max": ["rw", decimalIn(null, null)],
    "cmi.progress_measure": ["rw", decimalIn(0, 1)],
    "cmi.scaled_passing_score": ["r"], "cmi.completion_threshold": ["r"],
    "cmi.max_time_allowed": ["r"], "cmi.time_limit_action": ["r"],
    "cmi.exit": ["w", vocabulary(["time-out", "suspend", "logout", "normal", ""])],
    "cmi.session_time": ["w", function (v) { return TIME_2004.test(v) && v !== "P" && !/T$/.test(v); }],
    "cmi.suspend_data": ["rw", maxLength(64000)],
    "cmi.learner_preference._children": ["r"],
    "cmi.learner_preference.audio_level": ["rw", decimalIn(0, null)],
    "cmi.learner_preference.language": ["rw", maxLength(250)],
    "cmi.learner_preference.delivery_speed": ["rw", decimalIn(0, null)],
    "cmi.learner_preference.audio_captioning": ["rw", vocabulary(["-1", "0", "1"])],
    "cmi.objectives._children": ["r"], "cmi.objectives._count": ["r"],
    "cmi.interactions._children": ["r"], "cmi.interactions._count": ["r"],
    "cmi.comments_from_learner._children": ["r"], "cmi.comments_from_learner._count": ["r"],
    "cmi.comments_from_lms._children": ["r"], "cmi.comments_from_lms._count": ["r"],
    "adl.nav.request": ["rw", function (v) {
      var match = NAV_REQUEST.exec(v);
      return !!match && (!!match[1] === (match[2] === "choice" || match[2] === "jump"));
    }]
  };
  var CHILDREN = {
    "cmi.core._children": "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time",
    "cmi.core.score._children": "raw,min,max",
    "cmi.student_data._children": "mastery_score",
    "cmi.student_preference._children": "audio,language,speed,text",
    "cmi.score._children": "scaled,raw,min,max",
    "cmi.learner_preference._children": "audio_level,language,delivery_speed,audio_captioning",
    "cmi.objectives._children": "id,score,status,success_status,completion_status,progress_measure,description",
    "cmi.interactions._children": "id,type,objectives,timestamp,correct_responses,weighting,learner_response,result,latency,description",
    "cmi.comments_from_learner._children": "comment,location,timestamp",
    "cmi.comments_from_lms._children": "comment,location,timestamp"
  };
  var ARRAY = /^cmi\.(interactions|objectives|comments_from_learner)\.(\d{1,4})\.([a-z_.0-9]+)$/;
  var model = standard === "scorm12" ? MODEL_12 : MODEL_2004;
  var errors = standard === "scorm12" ? ERRORS_12 : ERRORS_2004;

  function fail(code, why) { lastError = code; diagnostic = why || ""; }
  function ok() { lastError = "0"; diagnostic = ""; }

  function count(collection) {
    var prefix = "cmi." + collection + ".";
    var highest = -1;
    Object.keys(values).forEach(function (key) {
      if (key.indexOf(prefix) === 0) {
        var n = parseInt(key.slice(prefix.length), 10);
        if (!isNaN(n) && n > highest) { highest = n; }
      }
    });
    return highest + 1;
  }

  function requestValid(element) {
    var match = /^adl\.nav\.request_valid\.(continue|previous|choice|jump)(?:\.\{target=([^{}]+)\})?$/.exec(element);
    if (!match || !!match[2] === (match[1] === "continue" || match[1] === "previous")) { return null; }
    if (!navigation) { return "false"; }
    if (match[1] === "continue" || match[1] === "previous") { return String(navigation[match[1]]); }
    if (match[1] === "jump") { return "true"; }
    return String(navigation.choice.indexOf(match[2]) >= 0);
  }

  function getValue(element) {
    element = String(element);
    if (state !== "running") {
      fail(standard === "scorm12" ? "301" : (state === "terminated" ? "123" : "122"));
      return "";
    }
    if (element === "") { fail(standard === "scorm12" ? "201" : "301", "empty element"); return ""; }
    if (standard !== "scorm12" && element.indexOf("adl.nav.request_valid.") === 0) {
      var answer = requestValid(element);
      if (answer === null) { fail("401", element); return ""; }
      ok();
      return answer;
    }
    if (CHILDREN[element]) { ok(); return CHILDREN[element]; }
    var countMatch = /^cmi\.(objectives|interactions|comments_from_learner|comments_from_lms)\._count$/.exec(element);
    if (countMatch) { ok(); return String(count(countMatch[1])); }
    var rule = model[element];
    if (!rule) {
      if (ARRAY.test(element)) {
        if (values.hasOwnProperty(element)) { ok(); return values[element]; }
        fail(standard === "scorm12" ? "201" : "403", element);
        return "";
      }
      if (/\._children$/.test(element)) { fail(standard === "scorm12" ? "202" : "301", element); return ""; }
      if (/\._count$/.test(element)) { fail(standard === "scorm12" ? "203" : "301", element); return ""; }
      fail(standard === "scorm12" ? "201" : "401", element);
      return "";
    }
    if (rule[0] === "w") { fail(standard === "scorm12" ? "404" : "405", element); return ""; }
    var value = values.hasOwnProperty(element) ? values[element] : "";
    if (standard !== "scorm12" && value === "" && rule[0] === "rw" &&
        !/_status$/.test(element)) {
      fail("403", element);
      return "";
    }
    ok();
    return String(value);
  }

  function setValue(element, value) {
    element = String(element);
    value = value === undefined || value === null ? "" : String(value);
    if (state !== "running") {
      fail(standard === "scorm12" ? "301" : (state === "terminated" ? "133" : "132"));
      return "false";
    }
    if (/\._(children|count|version)$/.test(element)) {
      fail(standard === "scorm12" ? "402" : "404", element);
      return "false";
    }
    var rule = model[element];
    if (!rule) {
      var match = ARRAY.exec(element);
      if (match) {
        var index = parseInt(match[2], 10);
        if (index > count(match[1])) { fail(standard === "scorm12" ? "201" : "351", "index out of order"); return "false"; }
        if (value.length > 4000) { fail(standard === "scorm12" ? "405" : "407", element); return "false"; }
        values[element] = value;
        changed();
        ok();
        return "true";
      }
      fail(standard === "scorm12" ? "201" : "401", element);
      return "false";
    }
    if (rule[0] === "r") { fail(standard === "scorm12" ? "403" : "404", element); return "false"; }
    if (!rule[1](value)) {
      var outOfRange = /score|progress_measure|preference/.test(element) && /^-?\d+(\.\d+)?$/.test(value);
      fail(standard === "scorm12" ? "405" : (outOfRange ? "407" : "406"), element + ": " + value);
      return "false";
    }
    values[element] = value;
    changed();
    ok();
    return "true";
  }

  function writable() {
    var out = {};
    Object.keys(values).forEach(function (key) {
      var rule = model[key];
      if ((rule && rule[0] !== "r") || ARRAY.test(key)) { out[key] = values[key]; }
    });
    return out;
  }

  function send(terminated, synchronous) {
    var body = JSON.stringify({ values: writable(), sessionId: config.sessionId, terminated: terminated });
    dirty = false;
    if (synchronous) {
      try {
        var request = new XMLHttpRequest();
        request.open("POST", config.runtimeUrl, false);
        request.setRequestHeader("Content-Type", "application/json");
        request.send(body);
        return request.status === 200;
      } catch (error) {
        // Synchronous requests are refused while a page unloads: hand it to the browser.
        if (navigator.sendBeacon) {
          return navigator.sendBeacon(config.runtimeUrl, new Blob([body], { type: "application/json" }));
        }
        return false;
      }
    }
    fetch(config.runtimeUrl, {
      method: "POST", body: body, keepalive: true, credentials: "omit",
      headers: { "Content-Type": "application/json" }
    }).then(function (response) {
      if (!response.ok) { dirty = true; }
    }, function () { dirty = true; });
    return true;
  }

  function changed() {
    dirty = true;
    // Commit shortly after a change too: a SCO that never calls Commit still saves.
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { timer = null; if (dirty && state === "running") { send(false, false); } }, 400);
  }

  function initialize(argument) {
    if (String(argument === undefined ? "" : argument) !== "") { fail("201", "argument must be empty"); return "false"; }
    if (state === "running") { fail(standard === "scorm12" ? "101" : "103"); return "false"; }
    if (state === "terminated") { fail(standard === "scorm12" ? "101" : "104"); return "false"; }
    state = "running";
    ok();
    return "true";
  }

  function commit(argument) {
    if (String(argument === undefined ? "" : argument) !== "") { fail("201", "argument must be empty"); return "false"; }
    if (state !== "running") {
      fail(standard === "scorm12" ? "301" : (state === "terminated" ? "143" : "142"));
      return "false";
    }
    if (!send(false, true)) { fail(standard === "scorm12" ? "101" : "391", "the server did not store the data"); return "false"; }
    ok();
    return "true";
  }

  function terminate(argument) {
    if (String(argument === undefined ? "" : argument) !== "") { fail("201", "argument must be empty"); return "false"; }
    if (state !== "running") {
      fail(standard === "scorm12" ? "301" : (state === "terminated" ? "113" : "112"));
      return "false";
    }
    if (timer) { clearTimeout(timer); timer = null; }
    var stored = send(true, true);
    state = "terminated";
    if (!stored) { fail(standard === "scorm12" ? "101" : "111", "the server did not store the data"); return "false"; }
    var request = values["adl.nav.request"];
    if (navigation && !navigating && request && request !== "_none_") {
      // The sequencer acts once Terminate has returned to the SCO.
      setTimeout(function () { navigate(request); }, 0);
    }
    ok();
    return "true";
  }

  function show(message) {
    var status = document.getElementById("scorm-message");
    if (status) { status.textContent = message; }
  }

  function navigate(request) {
    if (navigating) { return; }
    navigating = true;
    var frame = document.getElementById("scorm-sco");
    function requestNext() {
      // Content that did not terminate while unloading ends its session now.
      if (state === "running") { terminate(""); }
      fetch(config.navigateUrl, {
        method: "POST", credentials: "omit", body: JSON.stringify({ request: request }),
        headers: { "Content-Type": "application/json" }
      }).then(function (response) { return response.json(); }).then(function (data) {
        if (data.url) { window.location.replace(data.url); return; }
        navigating = false;
        show(data.end || data.error);
      }, function () {
        navigating = false;
        show("The navigation request did not reach the server; try again.");
      });
    }
    if (state === "terminated") { requestNext(); return; }
    // Unload the SCO first: it terminates (and commits) from its unload handler.
    frame.addEventListener("load", requestNext, { once: true });
    frame.src = "about:blank";
  }

  // The player's own controls: previous / continue buttons and the contents.
  document.addEventListener("click", function (event) {
    var control = event.target.closest ? event.target.closest("[data-nav-request]") : null;
    if (control && !control.disabled) { navigate(control.getAttribute("data-nav-request")); }
  });

  function errorString(code) {
    code = String(code);
    return errors.hasOwnProperty(code) ? errors[code] : "";
  }
  function lastErrorCode() { return lastError; }
  function getDiagnostic(code) {
    if (code === undefined || code === null || code === "" || String(code) === lastError) { return diagnostic; }
    return errorString(code);
  }

  if (standard === "scorm12") {
    window.API = {
      LMSInitialize: initialize, LMSFinish: terminate, LMSGetValue: getValue,
      LMSSetValue: setValue, LMSCommit: commit, LMSGetLastError: lastErrorCode,
      LMSGetErrorString: errorString, LMSGetDiagnostic: getDiagnostic
    };
  } else {
    window.API_1484_11 = {
      version: "1.0",
      Initialize: initialize, Terminate: terminate, GetValue: getValue,
      SetValue: setValue, Commit: commit, GetLastError: lastErrorCode,
      GetErrorString: errorString, GetDiagnostic: getDiagnostic
    };
  }
  // A learner who closes the tab without the SCO terminating still keeps progress.
  window.addEventListener("pagehide", function () {
    if (state === "running" && dirty) { send(false, true); }
  });
})();
