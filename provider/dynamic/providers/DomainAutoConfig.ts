/** The DomainAutoConfig dynamic provider: this module's exports are what Pulumi references from state (see ../lazyProvider). */
import { OvhOfficeDynamicProvider } from "../lazyProvider";

export = new OvhOfficeDynamicProvider("DomainAutoConfig");
