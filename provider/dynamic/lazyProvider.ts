import type * as pulumi from "@pulumi/pulumi";

/** The npm name the provider code is loaded by, at run time, in the dynamic-provider process. */
export const PACKAGE_NAME = "pulumi-ovh-office365-reseller";

type Props = Record<string, unknown>;

/**
 * The dynamic provider object of one resource type. It holds one primitive (the type) and methods that load the
 * installed provider code when called, so it never carries a client or a credential.
 *
 * One instance per type is the `module.exports` of `providers/<type>.js`: Pulumi then stores a
 * `require("<package>/dist/provider/dynamic/providers/<type>.js")` in `__provider` instead of the serialized
 * object. The methods still load the code by package name, so the object also works if Pulumi ever serializes
 * it by value.
 */
export class OvhOfficeDynamicProvider implements pulumi.dynamic.ResourceProvider {
  constructor(readonly kind: string) {}

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    require("pulumi-ovh-office365-reseller/dynamic").configure((key: string) => req.config.get(key));
  }

  async check(olds: Props, news: Props) {
    return require("pulumi-ovh-office365-reseller/dynamic").check(this.kind, olds, news);
  }

  async diff(id: string, olds: Props, news: Props) {
    return require("pulumi-ovh-office365-reseller/dynamic").diff(this.kind, id, olds, news);
  }

  async create(inputs: Props) {
    return require("pulumi-ovh-office365-reseller/dynamic").create(this.kind, inputs);
  }

  async read(id: string, props?: Props) {
    return require("pulumi-ovh-office365-reseller/dynamic").read(this.kind, id, props);
  }

  async update(id: string, olds: Props, news: Props) {
    return require("pulumi-ovh-office365-reseller/dynamic").update(this.kind, id, olds, news);
  }

  async delete(id: string, props: Props) {
    await require("pulumi-ovh-office365-reseller/dynamic").remove(this.kind, id, props);
  }
}
