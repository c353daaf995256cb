import { Body, Controller, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { armedCrashPointSchema, crashPointRequestSchema } from '@dtx/contracts';
import { CrashPoints } from '@dtx/coordinator-feature';
import { Access, ApiContract, ZodValidationPipe } from '@dtx/service-platform';
import { z } from 'zod';

const crashPointSchema = crashPointRequestSchema;

const ADMIN_PORT_ONLY = 'NOT_FOUND: asked on the service port; /admin/* is served on the admin port (ADMIN_PORT) only';

/** PUT /admin/crash-point: only registered when ENABLE_FAULT_INJECTION=true. */
@ApiTags('admin')
@Access('admin')
@Controller('admin/crash-point')
export class CrashPointController {
  constructor(private readonly crashPoints: CrashPoints) {}

  @Put()
  @ApiOperation({
    summary: 'Make the next transaction that reaches `point` kill this process (SIGKILL) or pause there for pauseMs',
  })
  @ApiContract({
    access: 'token',
    body: crashPointSchema,
    answers: { 200: { description: 'armed', schema: armedCrashPointSchema } },
    errors: { 404: ADMIN_PORT_ONLY },
  })
  arm(@Body(new ZodValidationPipe(crashPointSchema)) request: z.output<typeof crashPointSchema>) {
    this.crashPoints.arm(
      request.point,
      request.action === 'kill' ? { kind: 'kill' } : { kind: 'pause', pauseMs: request.pauseMs },
    );
    return { armed: request };
  }
}
