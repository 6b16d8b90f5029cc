// /lacak#nomor=...&kode=... (the receipt's QR code): fill the form from the part after '#',
// which the browser never sends to a server, take it off the address, and send the form.
(function () {
  "use strict";
  function send() {
    var form = document.getElementById("lacak");
    var fragment = window.location.hash.slice(1);
    if (!form || !fragment || !window.URLSearchParams) { return; }
    var given = new URLSearchParams(fragment);
    var nomor = given.get("nomor"), kode = given.get("kode");
    history.replaceState(null, "", window.location.pathname);
    if (!nomor || !kode) { return; }
    form.elements.nomor.value = nomor;
    form.elements.kode.value = kode;
    form.submit();
  }
  window.addEventListener("hashchange", send);
  send();
})();
