import type { StackResource } from "./define";
import { isUnknown } from "./props";

/**
 * The resources of `type` that configure `target` (a bucket's public-access block, a file system's
 * policy…): matched on the property naming it when that is known (plan, or a preview of an existing
 * resource), else on the dependency the property creates (a preview of a new resource, whose id is
 * not known yet).
 */
export function companionsOf(
  target: StackResource,
  resources: StackResource[],
  type: string,
  key: string,
  targetKeys: string[],
): StackResource[] {
  const identifiers = new Set(
    targetKeys.map((k) => target.props[k]).filter((v): v is string => typeof v === "string" && !isUnknown(v)),
  );
  return resources.filter((r) => {
    if (r.type !== type) return false;
    const reference = r.props[key];
    if (typeof reference === "string" && !isUnknown(reference)) return identifiers.has(reference);
    return r.dependencyUrns.includes(target.urn);
  });
}

export function ofTypes(resources: StackResource[], types: string[]): StackResource[] {
  const wanted = new Set(types);
  return resources.filter((r) => wanted.has(r.type));
}
