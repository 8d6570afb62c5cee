import { strict as assert } from "node:assert";

import { resolveKey } from "../src/sync/keys";
import { settingsFromEnv } from "../src/sync/settings";

const env = {
  EFS_MOUNT_PATH: "/mnt/dashboard",
  OWNER_UID: "1000",
  OWNER_GID: "1000",
  BUCKET_NAME: "resources",
};

describe("S3 → EFS sync settings", () => {
  it("defaults to the dashboard's folders, 0640 files and 0750 directories", () => {
    const settings = settingsFromEnv(env);
    assert.equal(settings.fileMode, 0o640);
    assert.equal(settings.dirMode, 0o750);
    assert.deepEqual(
      [...settings.folders],
      [
        ["images", "images"],
        ["themes", "themes"],
        ["excel-data", "excel"],
        ["logs", "logs"],
        ["keys", "keys"],
        ["svg", "svg"],
      ],
    );
  });

  it("refuses world-writable modes, relative mounts, bad ids, a missing bucket and a bad folder map", () => {
    assert.throws(
      () => settingsFromEnv({ ...env, FILE_MODE: "0777" }),
      /FILE_MODE "0777" lets everyone write/,
    );
    assert.throws(
      () => settingsFromEnv({ ...env, DIR_MODE: "rwx" }),
      /DIR_MODE "rwx" is not an octal file mode/,
    );
    assert.throws(
      () => settingsFromEnv({ ...env, EFS_MOUNT_PATH: "mnt" }),
      /EFS_MOUNT_PATH "mnt" must be an absolute path/,
    );
    assert.throws(
      () => settingsFromEnv({ ...env, OWNER_UID: "root" }),
      /OWNER_UID "root" is not a numeric user or group id/,
    );
    assert.throws(() => settingsFromEnv({ ...env, BUCKET_NAME: "" }), /BUCKET_NAME is not set/);
    assert.throws(
      () => settingsFromEnv({ ...env, ALLOWED_FOLDERS: "images=../etc" }),
      /ALLOWED_FOLDERS entry "images=..\/etc" is not <prefix>=<folder> with plain names/,
    );
  });

  it("maps keys to paths inside their folder and explains each refusal", () => {
    const settings = settingsFromEnv(env);
    assert.deepEqual(resolveKey("excel-data/q1/report.xlsx", settings), {
      kind: "file",
      folder: "excel",
      relativePath: "q1/report.xlsx",
      absolutePath: "/mnt/dashboard/excel/q1/report.xlsx",
      folderPath: "/mnt/dashboard/excel",
    });
    assert.deepEqual(resolveKey("images/", settings), { kind: "placeholder" });
    const reason = (key: string) => {
      const target = resolveKey(key, settings);
      return target.kind === "reject" ? target.reason : target.kind;
    };
    assert.match(reason("etc/passwd"), /top-level folder "etc" is not one of/);
    assert.match(reason("images/../keys/x"), /"\.\." path segment and could leave its folder/);
    assert.match(reason("images/a\\b"), /control character or a backslash/);
    assert.match(reason(`images/${"a".repeat(256)}`), /longer than 255 bytes/);
    assert.match(reason("images"), /names a folder, not a file/);
  });
});
