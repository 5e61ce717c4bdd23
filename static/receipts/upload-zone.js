// The UploadZone: drop, paste, pick or photograph many receipts, check them here with the
// server's limits, then send them one file at a time into one batch, each with its own
// progress bar, so a file that fails to arrive is retried alone. Without this script the
// form still posts every file at once to the upload view.
(function () {
  "use strict";

  var PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000";
  var ACCEPTED_NAME = /\.(jpe?g|png|webp|tiff?|heic|heif|pdf)$/i;
  var PREVIEWABLE = /^image\/(jpeg|png|webp|gif)$/;
  var PARALLEL_UPLOADS = 3;
  var MB = 1024 * 1024;

  function megabytes(bytes) {
    return (bytes / MB).toFixed(1) + " MB";
  }

  function limitText(bytes) {
    // The server's wording: "the limit is 20 MB" (whole numbers without decimals).
    return parseFloat((bytes / MB).toFixed(2)) + " MB";
  }

  function humanSize(bytes) {
    if (bytes < 1024) { return bytes + " B"; }
    if (bytes < MB) { return Math.round(bytes / 1024) + " KB"; }
    return megabytes(bytes);
  }

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    var cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return cookie ? decodeURIComponent(cookie[1]) : field ? field.value : "";
  }

  function UploadZone(form) {
    this.form = form;
    this.maxFileBytes = parseInt(form.dataset.maxFileBytes, 10);
    this.maxFiles = parseInt(form.dataset.maxFiles, 10);
    // Outside the batch upload rollout: one file, one batch (the server refuses a second).
    this.singleFile = form.hasAttribute("data-single-file");
    this.zone = form.querySelector("[data-dropzone]");
    this.fileInput = form.querySelector("#id_files");
    this.cameraInput = form.querySelector("#id_camera");
    this.chosen = form.querySelector("[data-chosen]");
    this.list = form.querySelector("[data-file-list]");
    this.summary = form.querySelector("[data-chosen-summary]");
    this.refusals = form.querySelector("[data-refusals]");
    this.status = form.querySelector("[data-status]");
    this.overall = form.querySelector("[data-overall]");
    this.overallBar = form.querySelector("[data-overall-progress]");
    this.submit = form.querySelector("[data-submit]");
    this.goToBatch = form.querySelector("[data-go-to-batch]");
    this.items = [];
    this.batchId = null;
    this.sending = false;
    this.nextId = 1;
    // Each file's place in the batch, fixed when it is first sent: files go several at a
    // time and may arrive out of order, and the batch page lists them in this order.
    this.nextPosition = 0;
    this.enhance();
  }

  UploadZone.prototype.enhance = function () {
    var self = this;
    this.form.classList.add("enhanced");
    this.zone.setAttribute("tabindex", "0");
    this.zone.setAttribute("role", "button");
    this.fileInput.setAttribute("tabindex", "-1"); // the zone is the control now
    this.fileInput.setAttribute("aria-hidden", "true");

    this.zone.addEventListener("click", function (event) {
      if (!event.target.closest("input, label")) { self.fileInput.click(); }
    });
    this.zone.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        self.fileInput.click();
      }
    });
    [this.fileInput, this.cameraInput].forEach(function (input) {
      if (!input) { return; }
      input.addEventListener("change", function () {
        self.add(input.files, input === self.cameraInput ? "camera" : "picker");
        input.value = ""; // the same photo or file can be chosen again
      });
    });
    ["dragenter", "dragover"].forEach(function (type) {
      self.zone.addEventListener(type, function (event) {
        event.preventDefault();
        self.zone.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      self.zone.addEventListener(type, function () { self.zone.classList.remove("over"); });
    });
    this.zone.addEventListener("drop", function (event) {
      event.preventDefault();
      event.stopPropagation();
      self.add(event.dataTransfer.files, "drop");
    });
    // A file dropped next to the zone must not make the browser leave the page to open it.
    ["dragover", "drop"].forEach(function (type) {
      document.addEventListener(type, function (event) {
        if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
          event.preventDefault();
        }
      });
    });
    document.addEventListener("paste", function (event) {
      if (event.clipboardData && event.clipboardData.files.length) {
        event.preventDefault();
        self.add(event.clipboardData.files, "clipboard");
      }
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.send();
    });
    window.addEventListener("beforeunload", function (event) {
      if (self.sending) { event.preventDefault(); }
    });
  };

  // Choosing files ----------------------------------------------------------------------

  UploadZone.prototype.refusal = function (file) {
    var typeOk = /^image\//.test(file.type) || file.type === "application/pdf" || ACCEPTED_NAME.test(file.name);
    if (!typeOk) {
      return file.name + " is not an image or a PDF.";
    }
    if (file.size > this.maxFileBytes) {
      return file.name + " is " + megabytes(file.size) + "; the limit is " + limitText(this.maxFileBytes) + ".";
    }
    if (file.size === 0) {
      return file.name + " is empty.";
    }
    return null;
  };

  UploadZone.prototype.add = function (files, origin) {
    var self = this;
    var added = [];
    var refused = [];
    this.refusals.textContent = "";
    if (this.sending) {
      this.refusals.appendChild(element("p", "refusal", "Wait until these files are sent, then add more."));
      return;
    }
    Array.prototype.forEach.call(files, function (file) {
      var reason = self.refusal(file);
      if (!reason && self.items.length >= self.maxFiles) {
        reason = self.singleFile
          ? file.name + " was left out: your account sends one receipt at a time for now."
          : file.name + " was left out: a batch holds at most " + self.maxFiles + " files.";
      }
      if (reason) {
        refused.push(reason);
      } else {
        added.push(self.track(file));
      }
    });
    refused.forEach(function (reason) { self.refusals.appendChild(element("p", "refusal", reason)); });
    this.update();
    if (added.length) {
      var from = { clipboard: " from the clipboard", camera: " from the camera" }[origin] || "";
      this.say(plural(added.length, "file") + " added" + from + "; " + plural(this.items.length, "file") +
        " ready to send.");
    }
  };

  UploadZone.prototype.track = function (file) {
    var item = { id: this.nextId++, file: file, state: "ready", loaded: 0 };
    item.row = this.renderItem(item);
    this.items.push(item);
    this.list.appendChild(item.row);
    return item;
  };

  UploadZone.prototype.renderItem = function (item) {
    var self = this;
    var file = item.file;
    var row = element("li", "file-item ready");
    row.dataset.fileName = file.name;

    var picture;
    if (PREVIEWABLE.test(file.type)) {
      picture = element("img", "file-thumb");
      picture.alt = "";
      item.objectUrl = URL.createObjectURL(file);
      picture.src = item.objectUrl;
      picture.addEventListener("error", function () { picture.replaceWith(self.icon(file)); });
    } else {
      picture = this.icon(file);
    }
    row.appendChild(picture);

    var info = element("div", "file-info");
    info.appendChild(element("span", "file-name", file.name));
    var meta = element("span", "file-meta");
    meta.appendChild(element("span", "file-size", humanSize(file.size)));
    item.stateText = element("span", "file-state", "Ready");
    meta.appendChild(item.stateText);
    info.appendChild(meta);
    item.bar = element("progress", "file-progress");
    item.bar.max = 100;
    item.bar.value = 0;
    item.bar.setAttribute("aria-label", "Upload of " + file.name);
    item.bar.dataset.fileProgress = "";
    info.appendChild(item.bar);
    row.appendChild(info);

    item.removeButton = element("button", "icon-button remove", "×");
    item.removeButton.type = "button";
    item.removeButton.setAttribute("aria-label", "Remove " + file.name);
    item.removeButton.title = "Remove";
    item.removeButton.addEventListener("click", function () { self.remove(item); });
    row.appendChild(item.removeButton);

    item.retryButton = element("button", "small retry", "Retry");
    item.retryButton.type = "button";
    item.retryButton.hidden = true;
    item.retryButton.setAttribute("aria-label", "Retry " + file.name);
    item.retryButton.addEventListener("click", function () { self.retry(item); });
    row.appendChild(item.retryButton);
    return row;
  };

  UploadZone.prototype.icon = function (file) {
    var isPdf = file.type === "application/pdf" || /\.pdf$/i.test(file.name);
    var label = isPdf ? "PDF" : (file.name.split(".").pop() || "file").slice(0, 4).toUpperCase();
    var icon = element("span", "file-thumb file-icon" + (isPdf ? " pdf" : ""), label);
    icon.setAttribute("aria-hidden", "true");
    return icon;
  };

  UploadZone.prototype.remove = function (item) {
    if (item.state !== "ready") { return; }
    var index = this.items.indexOf(item);
    this.items.splice(index, 1);
    if (item.objectUrl) { URL.revokeObjectURL(item.objectUrl); }
    item.row.remove();
    this.update();
    var next = this.items[index] || this.items[index - 1];
    (next && next.state === "ready" ? next.removeButton : this.zone).focus();
    this.say(item.file.name + " removed; " + plural(this.items.length, "file") + " ready to send.");
  };

  UploadZone.prototype.update = function () {
    var bytes = this.items.reduce(function (sum, item) { return sum + item.file.size; }, 0);
    this.chosen.hidden = this.items.length === 0;
    this.summary.textContent = plural(this.items.length, "file") + " · " + humanSize(bytes);
    this.updateOverall();
  };

  UploadZone.prototype.say = function (text) {
    this.status.textContent = text;
  };

  // Sending -----------------------------------------------------------------------------

  UploadZone.prototype.send = function () {
    if (this.sending) { return; }
    var waiting = this.items.filter(function (item) { return item.state === "ready" || item.state === "failed"; });
    if (!waiting.length) {
      this.say(this.items.length ? "Everything is sent." : "Choose at least one receipt to upload.");
      if (!this.items.length) { this.zone.focus(); }
      return;
    }
    var self = this;
    waiting.forEach(function (item) {
      if (item.position === undefined) { item.position = self.nextPosition++; }
    });
    this.sending = true;
    this.form.classList.add("sending");
    this.submit.disabled = true;
    this.overall.hidden = false;
    this.say("Sending " + plural(waiting.length, "file") + "…");
    if (this.batchId) {
      this.pump(waiting);
      return;
    }
    var first = waiting.shift();
    this.upload(first, this.form.dataset.createUrl, function (ok, body) {
      if (ok) {
        self.batchId = body.id;
        self.pump(waiting);
      } else {
        self.finish();
      }
    });
  };

  UploadZone.prototype.pump = function (queue) {
    var self = this;
    var running = 0;
    function next() {
      while (running < PARALLEL_UPLOADS && queue.length) {
        running += 1;
        self.upload(queue.shift(), self.filesUrl(), function () {
          running -= 1;
          next();
        });
      }
      if (!running && !queue.length) { self.finish(); }
    }
    next();
  };

  UploadZone.prototype.filesUrl = function () {
    return this.form.dataset.filesUrl.replace(PLACEHOLDER_ID, this.batchId);
  };

  UploadZone.prototype.batchUrl = function () {
    return this.form.dataset.batchUrl.replace(PLACEHOLDER_ID, this.batchId);
  };

  UploadZone.prototype.setState = function (item, state, text) {
    item.state = state;
    item.row.className = "file-item " + state;
    item.stateText.textContent = text;
    item.removeButton.hidden = state !== "ready";
    item.retryButton.hidden = state !== "failed";
  };

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }

  UploadZone.prototype.upload = function (item, url, done) {
    var self = this;
    var body = new FormData();
    body.append("files", item.file, item.file.name);
    body.append("position", String(item.position));
    var xhr = new XMLHttpRequest();
    item.loaded = 0;
    item.bar.value = 0;
    this.setState(item, "uploading", "Sending…");
    xhr.open("POST", url);
    xhr.setRequestHeader("X-CSRFToken", csrfToken(this.form));
    xhr.setRequestHeader("Accept", "application/json");
    // One key per file for all its attempts: a file whose answer was lost and is sent again is
    // answered with the first reply instead of being stored twice.
    if (!item.idempotencyKey) { item.idempotencyKey = newKey(); }
    xhr.setRequestHeader("Idempotency-Key", item.idempotencyKey);
    xhr.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) { return; }
      // The body is a little larger than the file; the bar reaches 100 only when the server answers.
      item.loaded = Math.min(item.file.size, item.file.size * event.loaded / event.total);
      item.bar.value = Math.min(99, Math.floor(100 * event.loaded / event.total));
      self.updateOverall();
    });
    xhr.addEventListener("load", function () {
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (error) { answer = null; }
      if (xhr.status === 201 && answer) {
        self.sent(item, answer);
        done(true, answer);
      } else {
        var detail = answer && answer.detail ? answer.detail : "The server answered " + xhr.status + ".";
        self.failed(item, detail);
        done(false, answer);
      }
    });
    xhr.addEventListener("error", function () {
      self.failed(item, "The connection was lost.");
      done(false, null);
    });
    xhr.send(body);
  };

  UploadZone.prototype.sent = function (item, answer) {
    var receipts = Array.isArray(answer) ? answer : answer.receipts || [];
    var receipt = receipts[receipts.length - 1];
    item.loaded = item.file.size;
    item.bar.value = 100;
    if (receipt && receipt.status === "failed") {
      this.setState(item, "refused", "Sent, but it cannot be read: " + receipt.error);
    } else {
      this.setState(item, "done", "Sent");
    }
    this.updateOverall();
    var count = this.items.filter(function (i) { return i.state === "done" || i.state === "refused"; }).length;
    this.say(count + " of " + plural(this.items.length, "file") + " sent.");
    this.form.dispatchEvent(new CustomEvent("upload-zone:file-sent", { detail: { name: item.file.name, row: item.row } }));
  };

  UploadZone.prototype.failed = function (item, reason) {
    item.loaded = 0;
    item.bar.value = 0;
    this.setState(item, "failed", "Not sent: " + reason);
    this.updateOverall();
  };

  UploadZone.prototype.retry = function (item) {
    if (this.sending) { return; }
    if (!this.batchId) {
      this.send(); // the batch itself was never made: start over with everything not sent
      return;
    }
    this.sending = true;
    this.form.classList.add("sending");
    this.submit.disabled = true;
    this.say("Sending " + item.file.name + " again…");
    this.pump([item]);
  };

  UploadZone.prototype.updateOverall = function () {
    var total = 0;
    var loaded = 0;
    this.items.forEach(function (item) {
      total += item.file.size;
      loaded += item.loaded;
    });
    this.overallBar.value = total ? Math.round(100 * loaded / total) : 0;
  };

  UploadZone.prototype.finish = function () {
    this.sending = false;
    this.form.classList.remove("sending");
    this.submit.disabled = false;
    var failed = this.items.filter(function (item) { return item.state === "failed" || item.state === "ready"; });
    if (this.batchId) {
      this.goToBatch.href = this.batchUrl();
      this.goToBatch.hidden = false;
    }
    if (!failed.length) {
      this.say("All " + plural(this.items.length, "file") + " sent. Opening the batch…");
      this.submit.disabled = true;
      var url = this.batchUrl();
      window.setTimeout(function () { window.location.assign(url); }, 700);
      return;
    }
    this.submit.textContent = "Send the rest";
    this.say(plural(failed.length, "file") + " could not be sent. Retry them" +
      (this.batchId ? ", or go to the batch: what was sent is safe there." : "."));
  };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-upload-zone]").forEach(function (form) { form.uploadZone = new UploadZone(form); });
  });
})();
