// The findings view's behaviour in plain JavaScript (no framework, no network):
// index: sort by a column, filter by text; document page: a finding's link highlights its
// cells (red) and the rows it involves (yellow) and scrolls to them.
"use strict";

function highlight(link) {
  document.querySelectorAll(".hl, .hl-related, .selected").forEach(function (el) {
    el.classList.remove("hl", "hl-related", "selected");
  });
  var finding = link.closest(".finding");
  if (finding) { finding.classList.add("selected"); }
  var target = document.getElementById(link.dataset.target);
  (link.dataset.related || "").split(" ").forEach(function (id) {
    var el = id && document.getElementById(id);
    if (el) { el.classList.add("hl-related"); }
  });
  if (target) {
    target.classList.add("hl");
    target.scrollIntoView({ block: "center" });
  }
}

document.querySelectorAll("a.goto").forEach(function (link) {
  link.addEventListener("click", function (event) {
    event.preventDefault();  // the anchor's own jump would put the cell at the window's top edge
    highlight(link);
    var finding = link.closest(".finding");
    if (finding) { history.replaceState(null, "", "#" + finding.id); }  // a link to share
  });
});

// opened as page.html#finding-… (from a finding's own page): highlight at once
if (location.hash.indexOf("#finding-") === 0) {
  var link = document.querySelector(location.hash + " a.goto");
  if (link) { highlight(link); }
}

function sortTable(table, column, numeric) {
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var ascending = table.dataset.sorted !== String(column);
  rows.sort(function (a, b) {
    var x = a.cells[column].dataset.sort || a.cells[column].textContent;
    var y = b.cells[column].dataset.sort || b.cells[column].textContent;
    var order = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y, "zh");
    return ascending ? order : -order;
  });
  rows.forEach(function (row) { body.appendChild(row); });
  table.dataset.sorted = ascending ? String(column) : "";
}

document.querySelectorAll("th.sortable").forEach(function (th) {
  th.addEventListener("click", function () {
    sortTable(th.closest("table"), th.cellIndex, th.classList.contains("numeric"));
  });
});

var filter = document.getElementById("filter");
if (filter) {
  filter.addEventListener("input", function () {
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    document.querySelectorAll("#documents tbody tr").forEach(function (row) {
      var text = row.textContent.toLowerCase();
      row.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
    });
  });
}
