// Drawing batched into one animation frame, and only what can be seen: an element's newest draw
// runs in the next frame if the element is on screen (a hidden tab gets no frames at all, so it
// draws nothing until shown); off screen, it waits until the element scrolls into sight. Several
// updates before a frame cost one draw, and painting is most of what an update costs.

const inSight = new WeakSet();
/** Draws for the next frame, and draws of elements out of sight (run when they come into it). */
const queued = new Map();
const waiting = new Map();
let frame = 0;

const sight = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) {
      inSight.delete(entry.target);
      continue;
    }
    inSight.add(entry.target);
    const draw = waiting.get(entry.target);
    if (draw) {
      waiting.delete(entry.target);
      queued.set(entry.target, draw);
    }
  }
  request();
});

function request() {
  if (frame === 0 && queued.size > 0) frame = requestAnimationFrame(flush);
}

function flush() {
  frame = 0;
  const now = [...queued];
  queued.clear();
  for (const [el, draw] of now) {
    // An element out of the DOM (a row scrolled away in a virtual table) waits to be back.
    if (el.isConnected && inSight.has(el)) draw();
    else waiting.set(el, draw);
  }
}

/** Runs `draw` (replacing any not run yet for `el`) in the next frame `el` is seen in. */
export function drawWhenSeen(el, draw) {
  sight.observe(el);
  waiting.delete(el);
  queued.set(el, draw);
  request();
}

/** Drops `el`'s pending draw and stops watching it (its element is gone for good). */
export function forgetDrawing(el) {
  sight.unobserve(el);
  waiting.delete(el);
  queued.delete(el);
}
