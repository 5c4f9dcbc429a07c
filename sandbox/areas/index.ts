/** The sandbox's API areas, in the order their `settle` runs before each request. */
import { AreaModule } from "../core/contract";
import { commitmentsArea } from "./commitments";
import { csp2Area } from "./csp2";
import { domainArea } from "./domain";
import { orderArea } from "./order";
import { priceArea } from "./price";
import { servicesArea } from "./services";

export const areas: readonly AreaModule[] = [
  servicesArea,
  orderArea,
  csp2Area,
  domainArea,
  priceArea,
  commitmentsArea,
];
