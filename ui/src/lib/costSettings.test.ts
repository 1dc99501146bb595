import { describe, expect, it } from "vitest";
import type { PriceProfile } from "../bindings/PriceProfile";
import type { Rules } from "../bindings/Rules";
import {
  checkActiveUsers,
  checkPrice,
  checkProfileName,
  checkWhole,
  copyName,
  formFromProfile,
  formFromRules,
  profileFromForm,
  rulesFromForm,
} from "./costSettings";

const hdfs: PriceProfile = {
  name: "onprem-hdfs",
  description: "On-prem HDFS",
  storage: { usd_per_month: 20, per: "TB", replication: 3 },
  requests: { usd_per_1000_writes: 0, usd_per_1000_reads: 0 },
  compute: { usd_per_gib_hour: 0.004237, usd_per_vcore_hour: 1e-7 },
};
const BUILT_IN = ["aws-s3-standard", "onprem-hdfs"];

const rules: Rules = {
  unused_days: 30,
  personal_prefix: "usr_",
  personal_retention_days: 7,
  schemas: { ods: { retention_days: 365 } },
  active_users: null,
  compaction: { min_files: 5, iceberg_target_file_bytes: 536870912, delta_target_file_bytes: 1073741824 },
};

describe("price fields", () => {
  it("take non-negative decimals and say what is wrong otherwise", () => {
    for (const ok of ["0", "0.023", "20", " 1.5 ", ".5", "1e-7", "3."]) expect(checkPrice(ok), ok).toBeNull();
    expect(checkPrice("")).toMatch(/Enter a price/);
    expect(checkPrice("-0.01")).toMatch(/cannot be negative/);
    expect(checkPrice("abc")).toMatch(/"abc" is not a number/);
    expect(checkPrice("1,5")).toMatch(/not a number/);
    expect(checkPrice("NaN")).toMatch(/not a number/);
    expect(checkPrice("Infinity")).toMatch(/not a number/);
    expect(checkPrice("0x10")).toMatch(/not a number/);
  });
  it("replication is a whole number of at least 1", () => {
    expect(checkWhole("3", 1, "the replication factor")).toBeNull();
    expect(checkWhole("0", 1, "the replication factor")).toBe("The replication factor must be at least 1.");
    expect(checkWhole("2.5", 1, "the replication factor")).toMatch(/not a whole number/);
    expect(checkWhole("", 1, "the replication factor")).toBe("Enter the replication factor.");
    expect(checkWhole("4294967296", 1, "the replication factor")).toMatch(/at most 4,294,967,295/);
  });
});

describe("profile names", () => {
  it("are required, file-safe, and never a built-in's", () => {
    expect(checkProfileName("team-hdfs_2", BUILT_IN)).toBeNull();
    expect(checkProfileName(" ", BUILT_IN)).toBe("A name is required.");
    expect(checkProfileName("../x", BUILT_IN)).toMatch(/letters, digits/);
    expect(checkProfileName("a.toml", BUILT_IN)).toMatch(/letters, digits/);
    expect(checkProfileName("x".repeat(65), BUILT_IN)).toMatch(/64/);
    expect(checkProfileName("onprem-hdfs", BUILT_IN)).toMatch(/built-in profile/);
  });
  it("a copy gets a free name", () => {
    expect(copyName("onprem-hdfs", BUILT_IN)).toBe("onprem-hdfs-copy");
    expect(copyName("onprem-hdfs", [...BUILT_IN, "onprem-hdfs-copy", "onprem-hdfs-copy-2"])).toBe("onprem-hdfs-copy-3");
  });
});

describe("the profile form", () => {
  it("gives back the profile it was filled from, under the new name", () => {
    const f = formFromProfile(hdfs, "team");
    const { errors, profile } = profileFromForm(f, BUILT_IN);
    expect(errors).toEqual({});
    expect(profile).toEqual({ ...hdfs, name: "team" });
  });
  it("names every bad field and gives no profile", () => {
    const f = { ...formFromProfile(hdfs), usd_per_month: "-1", replication: "0", usd_per_1000_reads: "x", usd_per_gib_hour: "" };
    const { errors, profile } = profileFromForm(f, BUILT_IN);
    expect(profile).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(["name", "replication", "usd_per_1000_reads", "usd_per_gib_hour", "usd_per_month"]);
    expect(errors.name).toMatch(/built-in/);
  });
});

describe("the rules form", () => {
  it("round-trips the saved rules and keeps what it does not edit", () => {
    const f = formFromRules(rules, null);
    expect(f.use_active_users).toBe(false);
    const out = rulesFromForm(f, rules);
    expect(out.errors).toEqual({});
    expect(out.rules).toEqual(rules);
    expect(out.activeUsers).toBeNull();
  });
  it("adds and removes schema rows and passes the active users as typed", () => {
    const f = formFromRules(rules, "user\nalice\n");
    f.schemas.push({ key: 9, schema: " mart ", days: "90" });
    f.schemas = f.schemas.filter((r) => r.schema !== "ods");
    f.min_files = "8";
    const out = rulesFromForm(f, rules);
    expect(out.rules?.schemas).toEqual({ mart: { retention_days: 90 } });
    expect(out.rules?.compaction).toEqual({ ...rules.compaction, min_files: 8 });
    expect(out.activeUsers).toBe("user\nalice\n");
  });
  it("names every bad field: negative days, too few files, empty or repeated schemas, an empty user list", () => {
    const f = formFromRules(rules, "");
    f.unused_days = "-1";
    f.personal_retention_days = "1.5";
    f.min_files = "1";
    f.personal_prefix = "usr _";
    f.schemas.push({ key: 7, schema: "", days: "3" }, { key: 8, schema: "ods", days: "-2" });
    const out = rulesFromForm(f, rules);
    expect(out.rules).toBeNull();
    expect(Object.keys(out.errors).sort()).toEqual(
      ["active_users", "days-8", "min_files", "personal_prefix", "personal_retention_days", "schema-7", "schema-8", "unused_days"].sort(),
    );
    expect(out.errors["schema-8"]).toMatch(/listed twice/);
    expect(out.errors.min_files).toMatch(/at least 2/);
  });
});

describe("active users", () => {
  it("read like the engine reads --active-users", () => {
    expect(checkActiveUsers("user,team\n# HR\nalice,data\n\nbob, platform\n")).toBeNull();
    expect(checkActiveUsers("alice")).toBeNull();
    expect(checkActiveUsers("user\nbob smith\n")).toMatch(/Line 2: "bob smith"/);
    expect(checkActiveUsers("# nobody\nuser\n")).toMatch(/at least one user/);
    expect(checkActiveUsers("")).toMatch(/at least one user/);
  });
});
