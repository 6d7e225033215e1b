// Fill latitude/longitude from the phone's position (optional; the inspector may type them).
(function () {
  var button = document.getElementById("use-position");
  if (!button || !navigator.geolocation) { if (button) { button.hidden = true; } return; }
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("latitude").value = pos.coords.latitude.toFixed(7);
      document.getElementById("longitude").value = pos.coords.longitude.toFixed(7);
      button.disabled = false;
    }, function () { button.disabled = false; }, { enableHighAccuracy: true, timeout: 15000 });
  });
})();
