/** How `GET /` lists a route of the emulator's table. */
import type { Route } from './router.js';

/** `GET /events/<id>: an event's deliveries and traces`, from a route's pattern, condition and summary. */
export function describeRoute(route: Route): string {
  const path = route.path.replace(/:(\w+)/g, '<$1>');
  const when = route.header === undefined ? '' : ` with ${route.header}`;
  return `${route.method} ${path}${when}: ${route.summary}`;
}
