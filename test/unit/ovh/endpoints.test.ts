/** OAuth2 token URLs derived by resolveEndpoint for named endpoints and for base URLs. */
import { OVH_ENDPOINTS, resolveEndpoint } from "../../../provider/ovh/endpoints";

describe("resolveEndpoint token URLs", () => {
  it.each([
    ["ovh-eu", "https://www.ovh.com/auth/oauth2/token"],
    ["ovh-ca", "https://ca.ovh.com/auth/oauth2/token"],
    ["ovh-us", "https://us.ovhcloud.com/auth/oauth2/token"],
    ["kimsufi-eu", undefined],
    ["kimsufi-ca", undefined],
    ["soyoustart-eu", undefined],
    ["soyoustart-ca", undefined],
  ])("named endpoint %s → %s", (name, tokenUrl) => {
    expect(resolveEndpoint(name).tokenUrl).toBe(tokenUrl);
  });

  it.each([
    ["https://eu.api.ovh.com/1.0", "https://www.ovh.com/auth/oauth2/token"],
    ["https://EU.API.OVH.COM/1.0/", "https://www.ovh.com/auth/oauth2/token"],
    ["https://eu.api.ovh.com./1.0", "https://www.ovh.com/auth/oauth2/token"],
    ["https://api.ovh.com/1.0", "https://www.ovh.com/auth/oauth2/token"],
    ["https://ca.api.ovh.com/1.0", "https://ca.ovh.com/auth/oauth2/token"],
    ["https://api.us.ovhcloud.com/1.0", "https://us.ovhcloud.com/auth/oauth2/token"],
    ["https://eu.api.kimsufi.com/1.0", undefined],
    ["https://ca.api.soyoustart.com/1.0", undefined],
  ])("OVH's own base URL %s → the region's token endpoint %s", (base, tokenUrl) => {
    expect(resolveEndpoint(base).tokenUrl).toBe(tokenUrl);
  });

  it("every named endpoint's own base URL gives the same token URL as its name", () => {
    for (const [name, known] of Object.entries(OVH_ENDPOINTS)) {
      expect(resolveEndpoint(known.baseUrl).tokenUrl).toBe(resolveEndpoint(name).tokenUrl);
    }
  });

  it("keeps <origin>/auth/oauth2/token for other hosts (the sandbox), and an explicit token URL wins", () => {
    expect(resolveEndpoint("https://127.0.0.1:43121/1.0").tokenUrl).toBe(
      "https://127.0.0.1:43121/auth/oauth2/token",
    );
    expect(resolveEndpoint("http://localhost:8080/1.0").tokenUrl).toBe(
      "http://localhost:8080/auth/oauth2/token",
    );
    // Look-alike hosts are not OVH's.
    expect(resolveEndpoint("https://eu.api.ovh.com.example.net/1.0").tokenUrl).toBe(
      "https://eu.api.ovh.com.example.net/auth/oauth2/token",
    );
    expect(resolveEndpoint("https://eu.api.ovh.com/1.0", "https://auth.example/token").tokenUrl).toBe(
      "https://auth.example/token",
    );
  });
});
