import { installDiffDetail, withDiffDetail } from "../../../provider/dynamic/hostDiff";

/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf module without types */
const provproto: any = require("@pulumi/pulumi/proto/provider_pb");

describe("dynamic-provider host: detailed diffs", () => {
  beforeAll(() => installDiffDetail());

  it("adds diffs and the detailed diff to the response the host fills from our diff result", () => {
    const result = withDiffDetail(
      { changes: true, replaces: [], deleteBeforeReplace: false },
      {
        changes: true,
        replaces: [],
        diffs: ["quantity"],
        detailedDiff: { quantity: "update" },
        deleteBeforeReplace: false,
      },
    );
    // What the host does, in the same tick.
    const resp = new provproto.DiffResponse();
    if (result.changes === true) resp.setChanges(provproto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(resp.getDiffsList()).toEqual(["quantity"]);
    expect(resp.getHasdetaileddiff()).toBe(true);
    expect(resp.getDetaileddiffMap().get("quantity").getKind()).toBe(provproto.PropertyDiff.Kind.UPDATE);
  });

  it("leaves other responses alone", () => {
    const resp = new provproto.DiffResponse();
    resp.setChanges(provproto.DiffResponse.DiffChanges.DIFF_NONE);
    expect(resp.getDiffsList()).toEqual([]);
    expect(resp.getHasdetaileddiff()).toBe(false);
  });

  it("marks a replacement as such", () => {
    const result = withDiffDetail(
      { changes: true, replaces: ["licence"] },
      {
        changes: true,
        replaces: ["licence"],
        diffs: ["licence"],
        detailedDiff: { licence: "update-replace" },
        deleteBeforeReplace: false,
      },
    );
    const resp = new provproto.DiffResponse();
    resp.setChanges(result.changes ? 2 : 1);
    expect(resp.getDetaileddiffMap().get("licence").getKind()).toBe(
      provproto.PropertyDiff.Kind.UPDATE_REPLACE,
    );
  });
});
