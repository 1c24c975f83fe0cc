// The large-text mode (适老化) of every page, voter's and staff's alike: the
// button #text-size switches it with one tap, the choice is remembered for
// the whole site, and it shows as the class large-text on <html>, which the
// stylesheets scale from. Drawings that do not follow CSS (charts on a
// canvas) listen for the 'largetextchange' event on document.
const storage_key = 'pingyi.large_text';

export function large_text_on() {
  return document.documentElement.classList.contains('large-text');
}

function stored() {
  try {
    return localStorage.getItem(storage_key) === '1';
  } catch {
    return false; // storage disabled (private mode): the toggle still works for this page
  }
}

function apply(button, on) {
  document.documentElement.classList.toggle('large-text', on);
  button.setAttribute('aria-pressed', on ? 'true' : 'false');
  document.dispatchEvent(new CustomEvent('largetextchange', { detail: on }));
}

export function init_large_text() {
  const button = document.getElementById('text-size');
  apply(button, stored());
  button.addEventListener('click', () => {
    const on = !large_text_on();
    apply(button, on);
    try {
      localStorage.setItem(storage_key, on ? '1' : '0');
    } catch {
      // not remembered, but applied
    }
  });
}
