import { Body, Controller, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FaultInjector, type FaultSettings } from '@dtx/inbox';
import { faultSettingsSchema } from '@dtx/contracts';
import { ApiContract } from '../http/api-contract.js';
import { ZodValidationPipe } from '../http/zod-validation.pipe.js';
import { Access } from '../auth/access.js';

/** PUT /admin/faults: only registered when ENABLE_FAULT_INJECTION=true. */
@ApiTags('admin')
@Access('admin')
@Controller('admin/faults')
export class FaultsController {
  constructor(private readonly faults: FaultInjector) {}

  @Put()
  @ApiOperation({
    summary: "Make this service's message handlers slow (delayMs) or fail (failRate) until set back to zero",
  })
  @ApiContract({
    access: 'token',
    body: faultSettingsSchema,
    answers: { 200: { description: 'the settings now', schema: faultSettingsSchema } },
    errors: { 404: 'NOT_FOUND: asked on the service port; /admin/* is served on the admin port (ADMIN_PORT) only' },
  })
  set(@Body(new ZodValidationPipe(faultSettingsSchema)) settings: FaultSettings): FaultSettings {
    this.faults.set(settings);
    return this.faults.current;
  }
}
