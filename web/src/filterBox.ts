// The filter input and its error, shown in place: the text with the offending character marked, and the message.

const input = () => document.getElementById("filter") as HTMLInputElement;

export function filterText(): string {
  return input().value;
}

export function setFilterText(text: string): void {
  input().value = text;
}

export function showFilterError(message: string, position: number | null): void {
  const box = document.getElementById("filter-error")!;
  const echo = document.getElementById("filter-echo")!;
  const text = input().value;
  echo.replaceChildren();
  if (position !== null && text.length > 0) {
    const at = Math.min(position, text.length);
    const mark = document.createElement("mark");
    mark.textContent = text.slice(at, at + 1) || " ";
    echo.append(text.slice(0, at), mark, text.slice(at + 1));
    input().setSelectionRange(at, at + 1);
  }
  document.getElementById("filter-message")!.textContent = position !== null ? `at ${position}: ${message}` : message;
  box.hidden = false;
  input().setAttribute("aria-invalid", "true");
}

export function clearFilterError(): void {
  document.getElementById("filter-error")!.hidden = true;
  input().removeAttribute("aria-invalid");
}
