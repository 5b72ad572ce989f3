// policysim explore: classroom mode (`explore --classroom`), loaded before page.js and
// using its state and functions: the teacher's panel and push, a student's page
// following the teacher's setting.
"use strict";

// Classroom mode (`config.classroom`): the teacher's panel (the join address, the code,
// the QR code, how many joined, "send my setting"), or a student's line. Every few
// seconds the page asks for the class's state: a student's page opens a setting the
// teacher sent.
const CLASS_POLL_MS = 2500;

function showClassroom() {
  const c = state.config.classroom;
  if (!c) return;
  $("classroom").hidden = false;
  const teacher = c.role === "teacher";
  $("class-teacher").hidden = !teacher;
  $("class-student").hidden = teacher;
  if (teacher) {
    $("class-address").textContent = c.join.address;
    $("class-code").textContent = c.join.code;
    $("class-qr").src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(c.join.qr_svg);
  }
  showClassState();
}

function showClassState() {
  const c = state.config.classroom;
  if (!c || c.role !== "teacher") return;
  $("class-qr").alt = w("class_qr_alt") + ": " + c.join.url;
  let text = w("class_students")(c.state.students);
  if (state.classPushed) text += " " + w("class_pushed")(state.classPushed);
  $("class-students").textContent = text;
}

async function pollClassroom() {
  const c = state.config.classroom;
  try {
    const r = await fetch("/api/classroom");
    if (r.status === 401) { showError(w("class_rejoin")); return; }
    if (r.ok) {
      c.state = await r.json();
      if (c.role === "student" && c.state.version > state.classVersion && c.state.setting) {
        state.classVersion = c.state.version;
        await openSetting(new URLSearchParams(c.state.setting));
        state.notice = "class_received";
        updateStale();
      }
      showClassState();
    }
  } catch (e) { /* the server is away for a moment: ask again */ }
  setTimeout(pollClassroom, CLASS_POLL_MS);
}

// The teacher: the setting this page shows (its link's query) becomes the class's.
async function pushSetting() {
  const r = await fetch("/api/classroom/push", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ setting: runKey() }),
  });
  const data = await r.json();
  if (!r.ok) { showError(errorText(data)); return; }
  state.classPushed = data.version;
  showClassState();
}
