// A page's two message areas: #problem (what went wrong) and #outcome (what
// was done). One shows at a time, and it takes the focus so that screen
// readers announce it.
export function clear_messages() {
  document.getElementById('outcome').innerHTML = '';
  document.getElementById('problem').innerHTML = '';
}

// Shows `html` (already escaped) in the area named `id`.
export function show_message(id, html) {
  clear_messages();
  const area = document.getElementById(id);
  area.innerHTML = html;
  area.focus();
}
