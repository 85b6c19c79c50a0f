// An embedding page cannot read the height of a cross-origin iframe, so the portal tells it:
// `{ type: 'herald:portal:height', height }` on every change, for the parent to size the frame.
// The message carries nothing but a number, so it may go to any parent ('*').
export function reportHeightToParent(): () => void {
  if (window.parent === window) return () => undefined;
  let last = -1;
  const send = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: 'herald:portal:height', height }, '*');
  };
  const observer = new ResizeObserver(send);
  observer.observe(document.documentElement);
  send();
  return () => observer.disconnect();
}
