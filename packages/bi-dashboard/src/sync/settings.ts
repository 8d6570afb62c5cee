/** The sync function's settings, read from its environment (contract: the component sets them). */
export interface SyncSettings {
  /** Where the EFS access point is mounted; its root is the dashboard's data root. */
  mountPath: string;
  /** Top-level S3 prefix → EFS folder (`excel-data` lands in `excel`). */
  folders: ReadonlyMap<string, string>;
  uid: number;
  gid: number;
  fileMode: number;
  dirMode: number;
  /** Events of any other bucket are rejected. */
  bucket: string;
}

export const DEFAULT_FOLDERS = "images=images,themes=themes,excel-data=excel,logs=logs,keys=keys,svg=svg";

function octal(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === "") {
    return fallback;
  }
  if (!/^0?[0-7]{3}$/.test(text)) {
    throw new Error(`${name} "${text}" is not an octal file mode such as 0640`);
  }
  const mode = parseInt(text, 8);
  if ((mode & 0o007) !== 0 && (mode & 0o002) !== 0) {
    throw new Error(`${name} "${text}" lets everyone write; the dashboard's files are never world-writable`);
  }
  return mode;
}

function id(name: string, text: string | undefined): number {
  if (text === undefined || !/^\d{1,10}$/.test(text)) {
    throw new Error(`${name} "${text ?? ""}" is not a numeric user or group id`);
  }
  return Number(text);
}

/** Parses and checks the environment once, at cold start: a bad setting fails loudly. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): SyncSettings {
  const mountPath = env["EFS_MOUNT_PATH"];
  if (!mountPath || !mountPath.startsWith("/")) {
    throw new Error(`EFS_MOUNT_PATH "${mountPath ?? ""}" must be an absolute path`);
  }
  const folders = new Map<string, string>();
  for (const pair of (env["ALLOWED_FOLDERS"] || DEFAULT_FOLDERS).split(",")) {
    const [prefix, folder] = pair.split("=").map((s) => s.trim());
    if (!prefix || !folder || !/^[\w-]+$/.test(prefix) || !/^[\w-]+$/.test(folder)) {
      throw new Error(`ALLOWED_FOLDERS entry "${pair}" is not <prefix>=<folder> with plain names`);
    }
    folders.set(prefix, folder);
  }
  const bucket = env["BUCKET_NAME"];
  if (!bucket) {
    throw new Error("BUCKET_NAME is not set: the function must know which bucket it serves");
  }
  return {
    mountPath,
    folders,
    uid: id("OWNER_UID", env["OWNER_UID"]),
    gid: id("OWNER_GID", env["OWNER_GID"]),
    fileMode: octal("FILE_MODE", env["FILE_MODE"], 0o640),
    dirMode: octal("DIR_MODE", env["DIR_MODE"], 0o750),
    bucket,
  };
}
