// perfscore serve: drag-and-drop, upload on choosing, and a size check before sending. Plain JavaScript;
// the page works without it (the form has its own button).
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) return;
  var input = document.getElementById("files");
  var rulesFile = document.getElementById("rules-file");
  var decisionsFile = document.getElementById("decisions-file");
  var rules = document.getElementById("rules");
  var drop = document.getElementById("drop");
  var message = document.getElementById("client-message");
  var limit = Number(document.body.dataset.maxUpload || 0);
  var limitText = document.body.dataset.maxUploadText;

  function tooLarge() {
    var total = 0;
    [input, rulesFile, decisionsFile].forEach(function (field) {
      Array.prototype.forEach.call(field.files || [], function (file) { total += file.size; });
    });
    if (limit && total > limit) {
      message.textContent = "选择的文件共 " + (total / 1048576).toFixed(1) + " MB，超过上限 " + limitText +
        "：请分几次上传，或启动时用 --max-upload-mb 调大上限";
      message.hidden = false;
      return true;
    }
    message.hidden = true;
    return false;
  }

  function send() {
    if (!tooLarge()) form.submit();
  }

  form.addEventListener("submit", function (event) {
    if (tooLarge()) event.preventDefault();
  });
  input.addEventListener("change", function () { if (input.files.length) send(); });
  rulesFile.addEventListener("change", function () { if (rulesFile.files.length) send(); });
  decisionsFile.addEventListener("change", function () { if (decisionsFile.files.length) send(); });
  rules.addEventListener("change", send);

  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      event.preventDefault();
      drop.classList.add("over");
    });
  });
  ["dragleave", "dragend"].forEach(function (name) {
    document.addEventListener(name, function () { drop.classList.remove("over"); });
  });
  document.addEventListener("drop", function (event) {
    event.preventDefault();
    drop.classList.remove("over");
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      send();
    }
  });
})();
