/** A dotted field with indexes (`nodeGroups[0].instanceTypes[1]`) as a zod issue path. */
export function fieldPath(field: string): (string | number)[] {
  const path: (string | number)[] = [];
  for (const part of field.split(".")) {
    const match = /^([^[]+)((\[\d+\])*)$/.exec(part);
    if (!match) {
      path.push(part);
      continue;
    }
    path.push(match[1]!);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) {
      path.push(Number(index[1]));
    }
  }
  return path;
}
