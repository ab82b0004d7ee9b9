// Show each webinar time in the visitor's own time zone (the server wrote the
// organiser's); the original stays available as the title.
(function () {
  "use strict";
  var format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    dateStyle: "full",
    timeStyle: "short",
    timeZoneName: "short",
  });
  document.querySelectorAll("time[data-local-time]").forEach(function (element) {
    var moment = new Date(element.getAttribute("datetime"));
    if (isNaN(moment.getTime())) return;
    element.title = element.textContent;
    element.textContent = format.format(moment);
  });
})();
