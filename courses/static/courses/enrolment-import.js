// A bulk enrolment's status page: poll its progress every second and move the bar;
// reload once it is finished, to show the report. Without JS, the page refreshes.
(function () {
  "use strict";
  var section = document.getElementById("enrolment-import");
  var url = section && section.dataset.progressUrl;
  if (!url) {
    return;
  }
  var bar = document.getElementById("enrolment-import-bar");
  var status = document.getElementById("enrolment-import-status");

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (progress) {
        bar.max = progress.total;
        bar.value = progress.processed;
        status.textContent = progress.text;
        if (progress.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 1000);
      });
  }

  window.setTimeout(poll, 1000);
})();
