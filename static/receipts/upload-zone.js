// The UploadZone: drop, paste or pick many files; the form posts them all at once.
(function () {
  "use strict";

  function init(form) {
    var input = form.querySelector('input[type="file"]');
    var zone = form.querySelector("[data-dropzone]");
    var list = form.querySelector("[data-file-list]");
    var chosen = new DataTransfer();

    function render() {
      list.textContent = "";
      Array.prototype.forEach.call(chosen.files, function (file) {
        var item = document.createElement("li");
        item.textContent = file.name + " (" + Math.round(file.size / 1024) + " KB)";
        list.appendChild(item);
      });
      input.files = chosen.files;
    }

    function add(files) {
      Array.prototype.forEach.call(files, function (file) { chosen.items.add(file); });
      render();
    }

    input.addEventListener("change", function () {
      var picked = Array.prototype.slice.call(input.files);
      chosen = new DataTransfer();
      add(picked);
    });
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      add(event.dataTransfer.files);
    });
    document.addEventListener("paste", function (event) {
      if (event.clipboardData && event.clipboardData.files.length) { add(event.clipboardData.files); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-upload-zone]").forEach(init);
  });
})();
