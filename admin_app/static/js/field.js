/* 走访（手机）: the village's children as cards, the visit form, and a queue of visits kept
   on the phone (IndexedDB through idb) that is sent when the signal returns. The server
   takes each queued visit once (its id is made here) and answers a conflict instead of
   overwriting (admin_app/services/field.py). What the phone keeps: the village's
   list (no 身份证, phone or address) for the days the server says, and the visits not yet
   sent; log-out clears both (the server answers it with Clear-Site-Data). */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  var esc = function (s) { return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) { return ESC[c]; }); };
  var db, state = null, known = null, reg = null, sending = false, keepDays = 7;
  var stopped = false, timer = null;  // stopped: logging out, the phone's store is being cleared
  var MAX_PHOTOS = 10, PHOTO_EDGE = 1600;

  function today() {  // the phone's date in Beijing time
    return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
  }
  function cnDate(iso) {
    if (!iso) return "";
    var p = iso.split("-");
    return Number(p[0]) + "年" + Number(p[1]) + "月" + Number(p[2]) + "日";
  }
  function newId() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  function flash(text, kind) {
    $("flash").innerHTML = '<div class="msg ' + (kind || "info") + '" role="status">' + esc(text) + "</div>";
  }

  // ---- what the phone keeps ----
  async function openDb() {
    db = await idb.openDB("wbz-field", 1, {
      upgrade: function (d) {
        d.createObjectStore("registers", { keyPath: "village" });
        d.createObjectStore("queue", { keyPath: "client_id" });
        d.createObjectStore("meta");
      },
    });
  }
  async function purge() {  // the list after its days; sent visits after the same days
    var t = today();
    for (const r of await db.getAll("registers")) {
      if (!r.keep_until || r.keep_until < t) await db.delete("registers", r.village);
    }
    var cutoff = Date.now() - keepDays * 86400000;
    for (const q of await db.getAll("queue")) {
      if (q.status === "sent" && q.sent_at < cutoff) await db.delete("queue", q.client_id);
    }
  }
  async function chosenVillage() {
    var v = $("village").value || (await db.get("meta", "village"));
    if (!v && state && state.villages.length === 1) v = state.villages[0].code;
    return v || "";
  }

  // ---- talking to the server ----
  async function api(url, options) {  // status 0: no signal, or the server did not answer
    var resp;
    try {
      resp = await fetch(url, Object.assign({ credentials: "same-origin", cache: "no-store" }, options || {}));
    } catch (e) { return { status: 0, data: {} }; }
    var data = null;
    try { data = await resp.json(); } catch (e) { data = null; }
    return { status: resp.status, data: data || {} };
  }
  async function loadState() {
    var r = await api("/field/api/state");
    if (r.status === 401 || r.status === 403) {
      flash((r.data.error || "登录已失效") + " ", "warn");
      showLogin();
      return r.status === 401 ? "login" : false;
    }
    if (r.status !== 200) return false;
    state = r.data;
    known = state;
    keepDays = state.keep_days || keepDays;
    await db.put("meta", { user: state.user, name: state.name, place: state.place, villages: state.villages }, "state");
    for (const old of await db.getAll("registers")) {  // another account's list never stays
      if (old.user !== state.user) await db.delete("registers", old.village);
    }
    $("logout-csrf").value = state.csrf;
    renderWho();
    return true;
  }
  function showLogin() {
    if ($("login-link")) return;
    $("flash").insertAdjacentHTML("beforeend", '<a class="btn primary" id="login-link" href="/login?next=/field/">重新登录</a>');
  }
  async function fetchRegister() {
    var v = await chosenVillage();
    if (!v && state && !state.village_role) { flash("请先选择村（居）。", "info"); return; }
    var r = await api("/field/api/register?village=" + encodeURIComponent(v));
    if (r.status === 0) { flash("没有信号，继续使用手机上保存的名单。", "info"); return; }
    if (r.status !== 200) { flash(r.data.error || "名单下载失败，请稍后再试。", "err"); return; }
    r.data.user = state ? state.user : "";
    await db.put("registers", r.data);
    await db.put("meta", r.data.village, "village");
    reg = r.data;
    renderCards();
  }

  // ---- the list ----
  function renderWho() {
    var s = state;
    $("who").textContent = s ? s.name + " · " + s.place : "离线：使用手机上保存的名单";
    var sel = $("village");
    if (s && !s.village_role) {
      sel.classList.remove("hidden");
      sel.innerHTML = '<option value="">选择村（居）…</option>' + s.villages.map(function (v) {
        return '<option value="' + esc(v.code) + '"' + (reg && reg.village === v.code ? " selected" : "") + ">" + esc(v.name) + "</option>";
      }).join("");
    }
  }
  function renderCards() {
    var ul = $("cards");
    if (!reg) {
      ul.innerHTML = '<li class="msg info">手机上还没有名单。有信号时点“更新名单”，名单会保存在手机上供离线走访使用。</li>';
      $("kept").textContent = "";
      return;
    }
    $("kept").textContent = reg.village_name + "：" + reg.children.length + " 名儿童，名单下载于 " + reg.fetched_at +
      "，保存在手机上至 " + cnDate(reg.keep_until) + (reg.cut ? "（名单过长，只保存了前 500 名）" : "");
    if (!reg.children.length) { ul.innerHTML = '<li class="msg info">该村（居）暂无在册儿童。</li>'; return; }
    var shown = reg.children, head = "";
    if (todoFilter) {
      var todo = (reg.todos || []).find(function (t) { return t.kind === todoFilter; });
      shown = reg.children.filter(function (c) { return (c.todos || []).indexOf(todoFilter) >= 0; });
      head = '<li class="msg warn" id="todo-filter">只显示：' + esc(todo ? todo.label : todoFilter) + "（" + shown.length +
        ' 名） <a class="btn" href="#">显示全部</a></li>';
    }
    ul.innerHTML = head + shown.map(function (c) {
      return '<li><a class="card risk-' + esc(c.risk) + '" href="#visit/' + esc(c.id) + '" data-child="' + esc(c.id) + '">' +
        '<div class="name">' + esc(c.name) + "</div>" +
        '<div class="meta">' + esc(c.gender) + " · " + esc(c.age) + '岁 <span class="badge risk-' + esc(c.risk) + '">' + esc(c.risk_label) + "</span></div>" +
        "<div>" + c.categories.map(function (x) { return '<span class="chip">' + esc(x) + "</span>"; }).join("") + "</div>" +
        '<div class="meta">下次走访：' + (c.next_visit ? esc(cnDate(c.next_visit)) : "未安排") +
        (c.overdue ? ' <span class="badge overdue">已超期</span>' : "") +
        (c.queued ? ' <span class="badge risk-">已登记待发送</span>' : "") + "</div></a></li>";
    }).join("");
  }

  // ---- the queue ----
  async function renderQueue() {
    var items = (await db.getAll("queue")).sort(function (a, b) { return a.created_at - b.created_at; });
    var waiting = items.filter(function (q) { return q.status !== "sent"; }).length;
    $("counts").textContent = "待发送 " + waiting + " 条 · 已发送 " + (items.length - waiting) + " 条";
    var label = { waiting: "等待发送", sent: "已发送", conflict: "有冲突，未保存", invalid: "需修改，未保存", login: "等待重新登录" };
    $("queue").innerHTML = items.length ? items.map(function (q) {
      var buttons = "";
      if (q.status === "conflict" && q.conflict === "changed") buttons += '<button type="button" class="btn" data-act="confirm" data-id="' + q.client_id + '">按我的评估提交</button> ';
      if (q.status === "invalid" || (q.status === "conflict" && q.conflict === "changed" && q.type !== "report")) buttons += '<a class="btn" href="#' + (q.type === "report" ? "fix" : "edit") + "/" + q.client_id + '">修改后重发</a> ';
      if (q.status === "conflict" || q.status === "invalid") buttons += '<button type="button" class="btn danger" data-act="drop" data-id="' + q.client_id + '">删除</button>';
      var what = q.type === "report" ? (q.payload.kind === "help" ? "求助登记" : "强制报告") : esc(cnDate(q.payload.date)) + " 走访";
      return '<li data-status="' + q.status + '" data-type="' + (q.type || "visit") + '"><b>' + esc(q.child_name) + "</b> " + what +
        ' <span class="badge ' + (q.status === "sent" ? "risk-low" : "risk-medium") + '">' + label[q.status] + "</span>" +
        (q.message ? '<div class="hint">' + esc(q.message) + "</div>" : "") + (buttons ? '<div class="row">' + buttons + "</div>" : "") + "</li>";
    }).join("") : '<li class="hint">没有待发送的走访。</li>';
    if (reg) {
      var pending = {};
      items.forEach(function (q) { if (q.status !== "sent" && q.type !== "report") pending[q.child] = true; });
      reg.children.forEach(function (c) { c.queued = !!pending[c.id]; });
      renderCards();
    }
    return waiting;
  }
  async function flush() {
    if (stopped || sending || !navigator.onLine) return;
    sending = true;
    var sent = 0, changed = 0;
    try {
      var ok = await loadState();
      if (ok === "login") {  // a revoked or expired session: nothing is sent, nothing lost
        for (const q of await db.getAll("queue")) {
          if (q.status === "waiting") { q.status = "login"; q.message = "登录已失效，请重新登录后再发送。"; await db.put("queue", q); }
        }
      }
      if (ok !== true) return;
      var items = (await db.getAll("queue")).filter(function (q) { return q.status === "waiting" || q.status === "login"; })
        .sort(function (a, b) { return a.created_at - b.created_at; });
      for (const q of items) {
        if (q.user && q.user !== state.user) continue;  // another account's visit waits for it
        var r, body = Object.assign({}, q.payload, { client_id: q.client_id, child: q.child, base_version: q.base_version });
        try {
          if (q.type === "report") {
            r = await api("/field/api/report", { method: "POST", body: JSON.stringify(body),
              headers: { "X-CSRFToken": state.csrf, "Content-Type": "application/json" } });
          } else {
            var form = new FormData();
            form.append("payload", JSON.stringify(body));
            (q.photos || []).forEach(function (p) { form.append("photos", p.blob, p.name); });
            r = await api("/field/api/visit", { method: "POST", body: form, headers: { "X-CSRFToken": state.csrf } });
          }
        } catch (e) { break; }
        if (r.status === 0) break;  // the signal went again: the rest stays queued
        if (r.status === 200) {
          q.status = "sent"; q.sent_at = Date.now(); q.message = r.data.message; q.photos = []; sent++;
        } else if (r.status === 409) {
          q.status = "conflict"; q.conflict = r.data.conflict; q.message = r.data.error; q.current = r.data.current || null; changed++;
        } else if (r.status === 422 || r.status === 400 || r.status === 413) {
          q.status = "invalid"; q.field = r.data.field || ""; q.message = r.data.error || "内容有误，请修改后重发。";
        } else if (r.status === 401 || r.status === 403) {
          q.status = "login"; q.message = r.data.error || "登录已失效，请重新登录后再发送。";
          await db.put("queue", q); showLogin(); break;
        } else { break; }  // the server is busy or down: try again later
        await db.put("queue", q);
      }
    } catch (e) {
      if (!stopped) flash("发送中断，稍后将自动重试。", "warn");  // nothing is lost: it stays queued
    } finally {
      sending = false;
      if (!stopped) await renderQueue();
    }
    if (stopped) return;
    if (sent) flash("已发送 " + sent + " 条记录。", "ok");
    if (sent || changed) { await fetchRegister(); await renderQueue(); }  // the list as it is now
  }

  // ---- the visit form ----
  function field(name) { return $("f-" + name); }
  var FIELDS = ["date", "kind", "visitors", "guardianship", "living", "study", "health", "services", "follow_up_of", "risk_level", "risk_reason", "next_visit"];
  var editing = null;  // the queued visit being corrected

  function openForm(child, queued) {
    editing = queued || null;
    $("list-view").classList.add("hidden");
    $("queue-view").classList.add("hidden");
    $("visit-view").classList.remove("hidden");
    $("visit-title").textContent = "登记走访：" + child.name;
    $("visit-child").textContent = child.gender + " · " + child.age + "岁 · 当前风险：" + child.risk_label + (child.next_visit ? " · 计划走访 " + cnDate(child.next_visit) : "");
    $("visit-form").reset();
    $("form-error").classList.add("hidden");
    if (queued && queued.message) { $("form-error").textContent = queued.message + (queued.field === "photos" ? "（不重新选择照片则不带照片发送）" : ""); $("form-error").classList.remove("hidden"); }
    var p = queued ? queued.payload : { date: today(), kind: "regular", visitors: (state || known || {}).name || "" };
    FIELDS.forEach(function (k) { field(k).value = p[k] || ""; });
    toggleFollowUp();
    window.scrollTo(0, 0);
  }
  function closeForm() {
    editing = null;
    $("visit-view").classList.add("hidden");
    $("list-view").classList.remove("hidden");
    $("queue-view").classList.remove("hidden");
  }
  function toggleFollowUp() { $("follow-up-box").classList.toggle("hidden", field("kind").value !== "follow_up"); }
  function problem(p) {  // the server checks again; this only spares a wasted send
    if (!p.date) return ["date", "请填写走访日期。"];
    if (p.date > today()) return ["date", "走访日期不能晚于今天。"];
    if (!p.visitors) return ["visitors", "请填写走访人员。"];
    if (!(p.guardianship || p.living || p.study || p.health)) return ["guardianship", "请至少填写监护、生活、学习、健康情况中的一项走访发现。"];
    if (p.kind === "follow_up" && !p.follow_up_of) return ["follow_up_of", "跟踪回访须填写回访的服务事项。"];
    if (p.risk_level === "high" && !p.risk_reason) return ["risk_reason", "评估为高风险时须填写风险原因。"];
    if (p.next_visit && p.next_visit <= p.date) return ["next_visit", "下次走访日期须晚于本次走访日期。"];
    return null;
  }
  async function shrink(file) {  // a photo of a few MB becomes about 300 KB for a weak signal
    try {
      var bmp = await createImageBitmap(file);
      var scale = Math.min(1, PHOTO_EDGE / Math.max(bmp.width, bmp.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bmp.width * scale); canvas.height = Math.round(bmp.height * scale);
      canvas.getContext("2d").drawImage(bmp, 0, 0, canvas.width, canvas.height);
      var blob = await new Promise(function (ok) { canvas.toBlob(ok, "image/jpeg", 0.8); });
      if (blob && blob.size < file.size) return { name: file.name.replace(/\.[^.]*$/, "") + ".jpg", blob: blob };
    } catch (e) { /* not an image the browser can draw: keep it as it is */ }
    return { name: file.name, blob: file };
  }
  function position() {
    return new Promise(function (ok) {
      if (!navigator.geolocation) return ok(null);
      navigator.geolocation.getCurrentPosition(function (p) { ok({ lat: p.coords.latitude, lng: p.coords.longitude }); },
        function () { ok(null); }, { timeout: 10000, maximumAge: 60000 });
    });
  }
  async function save(ev) {
    ev.preventDefault();
    var child = currentChild;
    var p = {};
    FIELDS.forEach(function (k) { p[k] = field(k).value.trim(); });
    var bad = problem(p);
    var box = $("form-error");
    if (bad) { box.textContent = bad[1]; box.classList.remove("hidden"); field(bad[0]).focus(); return; }
    var files = Array.prototype.slice.call(field("photos").files || []);
    if (files.length > MAX_PHOTOS) { box.textContent = "每次走访最多 10 张照片。"; box.classList.remove("hidden"); return; }
    $("save-visit").disabled = true;
    try {
      var photos = [];
      for (const f of files) photos.push(await shrink(f));
      if ($("f-locate").checked) { var pos = await position(); if (pos) Object.assign(p, pos); }
      p.made_at = new Date().toISOString();
      var q = editing || { client_id: newId(), child: child.id, child_name: child.name, base_version: child.version,
        user: (state || known || {}).user || "", created_at: Date.now(), photos: [] };
      if (q.current) { q.base_version = q.current.version; q.current = null; }  // corrected knowing the change
      q.payload = p; q.status = "waiting"; q.message = "";
      // A refused photo goes when the person corrects the visit without choosing others.
      if (photos.length || !editing || editing.field === "photos") q.photos = photos;
      await db.put("queue", q);
      closeForm();
      location.hash = "";
      flash(navigator.onLine ? "已保存，正在发送…" : "已保存在手机上，有信号后自动发送。", "ok");
      await renderQueue();
      flush();
    } finally { $("save-visit").disabled = false; }
  }

  // ---- pages by the address's #: #visit/<child>, #edit/<queued visit> ----
  var currentChild = null, todoFilter = null;
  async function route() {
    var t = location.hash.match(/^#todo\/([a-z_]+)$/);
    todoFilter = t ? t[1] : null;
    renderCards();
    var r = location.hash.match(/^#(report|fix)\/([0-9a-f]+|new)$/);
    if (r) { await openReport(r[1], r[2]); return; }
    closeReport();
    var m = location.hash.match(/^#(visit|edit)\/([0-9a-f]+)$/);
    if (!m) { closeForm(); return; }
    var queued = m[1] === "edit" ? await db.get("queue", m[2]) : null;
    var childId = queued ? queued.child : m[2];
    var child = reg && reg.children.find(function (c) { return c.id === childId; });
    if (!child && queued) child = { id: queued.child, name: queued.child_name, gender: "", age: "", risk_label: "", version: queued.base_version };
    if (!child) { flash("手机上的名单里没有这名儿童，请在有信号时更新名单。", "warn"); location.hash = ""; return; }
    currentChild = child;
    openForm(child, queued);
  }

  // ---- reports from the village: 附件6 强制报告, 附件5 求助 ----
  var RFIELDS = ["kind", "child_name", "gender", "age", "scene", "occurred_at", "occurred_note", "account", "physical_state", "mental_state"];
  var reportChild = null, reportEditing = null;
  function rfield(name) { return $("r-" + name); }
  function toggleStates() { $("r-states").classList.toggle("hidden", rfield("kind").value !== "mandatory"); }
  async function openReport(mode, id) {
    reportEditing = mode === "fix" ? await db.get("queue", id) : null;
    var childId = reportEditing ? reportEditing.child : (id === "new" ? null : id);
    reportChild = childId && reg ? reg.children.find(function (c) { return c.id === childId; }) || null : null;
    if (childId && !reportChild && reportEditing) reportChild = { id: childId, name: reportEditing.child_name };
    ["list-view", "queue-view", "visit-view"].forEach(function (v) { $(v).classList.add("hidden"); });
    $("report-view").classList.remove("hidden");
    $("report-form").reset();
    $("report-error").classList.add("hidden");
    var p = reportEditing ? reportEditing.payload : { kind: "mandatory" };
    RFIELDS.forEach(function (k) { rfield(k).value = p[k] || ""; });
    if (p.kind) rfield("kind").value = p.kind;
    rfield("serious_harm").checked = !!p.serious_harm;
    $("r-child-box").classList.toggle("hidden", !!reportChild);
    $("r-child-known").textContent = reportChild ? "儿童：" + reportChild.name + (reportChild.age !== undefined && reportChild.age !== "" ? "（" + reportChild.gender + "，" + reportChild.age + "岁，已建档）" : "") : "";
    $("report-title").textContent = reportChild ? "报告伤害或求助：" + reportChild.name : "报告伤害或求助";
    toggleStates();
    window.scrollTo(0, 0);
  }
  function closeReport() {
    if ($("report-view").classList.contains("hidden")) return;
    $("report-view").classList.add("hidden");
    $("list-view").classList.remove("hidden");
    $("queue-view").classList.remove("hidden");
  }
  async function saveReport(ev) {
    ev.preventDefault();
    var p = {};
    RFIELDS.forEach(function (k) { p[k] = rfield(k).value.trim(); });
    p.occurred_at = p.occurred_at.replace("T", " ");
    p.serious_harm = rfield("serious_harm").checked;
    var box = $("report-error"), bad = null;
    if (!reportChild && !p.child_name) bad = ["child_name", "请填写儿童姓名（不知道姓名时可写“不详”）。"];
    else if (p.age && !/^\d{1,2}$/.test(p.age)) bad = ["age", "年龄请填写 0–17 的整数。"];
    else if (!p.account) bad = ["account", "请填写经过：发现了什么、何时何地、儿童现在的情况。"];
    if (bad) { box.textContent = bad[1]; box.classList.remove("hidden"); rfield(bad[0]).focus(); return; }
    p.made_at = new Date().toISOString();
    var q = reportEditing || { client_id: newId(), type: "report", child: reportChild ? reportChild.id : null,
      child_name: reportChild ? reportChild.name : p.child_name, user: (state || known || {}).user || "", created_at: Date.now(), photos: [] };
    if (!reportChild) q.child_name = p.child_name;
    q.payload = p; q.status = "waiting"; q.message = "";
    await db.put("queue", q);
    location.hash = "";
    flash(navigator.onLine ? "报告已保存，正在发送…" : "报告已保存在手机上，有信号后自动发送。", "ok");
    await renderQueue();
    flush();
  }

  async function onQueueClick(ev) {
    var b = ev.target.closest("button[data-act]");
    if (!b) return;
    var q = await db.get("queue", b.dataset.id);
    if (!q) return;
    if (b.dataset.act === "drop") {
      if (!confirm("删除后这条走访记录将不再发送，确定删除？")) return;
      await db.delete("queue", q.client_id);
    } else {
      q.payload.confirm = true; q.status = "waiting"; q.message = "";
      await db.put("queue", q);
      flush();
    }
    renderQueue();
  }
  async function onLogout(ev) {
    var waiting = (await db.getAll("queue")).filter(function (q) { return q.status !== "sent"; }).length;
    if (!navigator.onLine) { ev.preventDefault(); alert("没有信号，暂时无法退出登录。"); return; }
    if (waiting && !confirm("还有 " + waiting + " 条走访未发送，退出后将从手机上删除。确定退出？")) { ev.preventDefault(); return; }
    stopped = true;  // the answer clears the phone's store: let go of it first
    clearInterval(timer);
    var closing = db;
    // A send or a redraw still under way must not touch the closed store (Chromium throws
    // "The database connection is closing"): from now on every read or write waits for
    // the page to go.
    db = new Proxy({}, { get: function () { return function () { return new Promise(function () {}); }; } });
    closing.close();
  }
  function showNet() {
    var on = navigator.onLine, el = $("net");
    el.textContent = on ? "在线" : "离线";
    el.className = "net " + (on ? "on" : "off");
  }

  async function start() {
    await openDb();
    var kept = await db.get("meta", "state");
    if (kept) { known = kept; $("who").textContent = kept.name + " · " + kept.place + "（离线）"; }
    await purge();
    var v = await db.get("meta", "village");
    reg = v ? (await db.get("registers", v)) || null : null;
    if (!reg) { var all = await db.getAll("registers"); reg = all[0] || null; }
    renderCards();
    await renderQueue();
    showNet();
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("/field/sw.js", { scope: "/field/" }).catch(function () {});
    $("visit-form").addEventListener("submit", save);
    $("report-form").addEventListener("submit", saveReport);
    rfield("kind").addEventListener("change", toggleStates);
    $("report-back").addEventListener("click", function () { location.hash = ""; });
    $("report-child").addEventListener("click", function (ev) { ev.preventDefault(); if (currentChild) location.hash = "#report/" + currentChild.id; });
    field("kind").addEventListener("change", toggleFollowUp);
    $("back").addEventListener("click", function () { location.hash = ""; });
    $("refresh").addEventListener("click", async function () { if ((await loadState()) === true) await fetchRegister(); });
    $("village").addEventListener("change", async function () { await db.put("meta", this.value, "village"); if (this.value) await fetchRegister(); });
    $("send-now").addEventListener("click", flush);
    $("queue").addEventListener("click", onQueueClick);
    $("logout-form").addEventListener("submit", onLogout);
    window.addEventListener("hashchange", route);
    window.addEventListener("online", function () { showNet(); flush(); });
    window.addEventListener("offline", showNet);
    timer = setInterval(flush, 30000);
    if (navigator.onLine && (await loadState()) === true) {
      if (!reg || reg.user !== state.user) { reg = null; await fetchRegister(); }
      await flush();
    }
    await route();
    document.body.dataset.ready = "1";
  }
  start();
})();
