// Form controls, each with its <label>: selects, sliders with their value
// shown, and a radio group of pill buttons.

let nextId = 0;
const uid = (stem: string) => `${stem}-${++nextId}`;

/** A labelled <select>; `format` names each option. */
export function select<T extends string | number>(
  label: string,
  id: string,
  options: readonly T[],
  value: T,
  format: (v: T) => string,
  onChange: (v: T) => void,
): HTMLElement {
  const s = document.createElement('select');
  s.id = id;
  for (const o of options) s.append(new Option(format(o), String(o), false, o === value));
  s.onchange = () => onChange(options[s.selectedIndex]!);
  return field(label, s);
}

/** A labelled range slider with its value shown beside it. */
export function slider(
  label: string,
  id: string,
  min: number,
  max: number,
  step: number,
  value: number,
  format: (v: number) => string,
  onChange: (v: number) => void,
): HTMLElement {
  const input = document.createElement('input');
  Object.assign(input, { type: 'range', id, min: String(min), max: String(max), step: String(step), value: String(value) });
  const out = document.createElement('output');
  out.htmlFor.add(id);
  out.ariaLabel = label; // the label around it names the slider, not its value
  out.textContent = format(value);
  input.setAttribute('aria-valuetext', format(value));
  input.oninput = () => {
    out.textContent = format(Number(input.value));
    input.setAttribute('aria-valuetext', out.textContent);
  };
  input.onchange = () => onChange(Number(input.value));
  const f = field(label, input);
  f.querySelector('label')!.append(' ', out);
  return f;
}

/** A labelled number input. */
export function numberInput(label: string, id: string, value: number, min: number, max: number, onChange: (v: number) => void): HTMLElement {
  const input = document.createElement('input');
  Object.assign(input, { type: 'number', id, min: String(min), max: String(max), step: '1', value: String(value) });
  input.onchange = () => {
    const v = Number(input.value);
    if (Number.isInteger(v) && v >= min && v <= max) onChange(v);
    else input.value = String(value);
  };
  return field(label, input);
}

/** A fieldset of radio buttons styled as pills. */
export function radios<T extends string>(
  legend: string,
  name: string,
  options: readonly T[],
  value: T,
  format: (v: T) => string,
  onChange: (v: T) => void,
): HTMLElement {
  const fs = document.createElement('fieldset');
  fs.className = 'pills';
  const lg = document.createElement('legend');
  lg.textContent = legend;
  fs.append(lg);
  for (const o of options) {
    const id = `${name}-${o}`;
    const input = Object.assign(document.createElement('input'), { type: 'radio', name, id, value: o, checked: o === value });
    input.onchange = () => {
      if (input.checked) onChange(o);
    };
    const lab = Object.assign(document.createElement('label'), { htmlFor: id, textContent: format(o) });
    fs.append(input, lab);
  }
  return fs;
}

function field(label: string, control: HTMLElement): HTMLElement {
  const div = document.createElement('div');
  div.className = 'field';
  const lab = document.createElement('label');
  lab.htmlFor = control.id || (control.id = uid('control'));
  lab.textContent = label;
  div.append(lab, control);
  return div;
}
