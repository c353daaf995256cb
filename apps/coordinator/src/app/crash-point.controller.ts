import { Body, Controller, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { crashPointRequestSchema } from '@dtx/contracts';
import { CrashPoints } from '@dtx/coordinator-feature';
import { Access, openApiSchema, ZodValidationPipe } from '@dtx/service-platform';
import { z } from 'zod';

const crashPointSchema = crashPointRequestSchema;

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
  @ApiBody({ schema: openApiSchema(crashPointSchema) })
  arm(@Body(new ZodValidationPipe(crashPointSchema)) request: z.output<typeof crashPointSchema>) {
    this.crashPoints.arm(
      request.point,
      request.action === 'kill' ? { kind: 'kill' } : { kind: 'pause', pauseMs: request.pauseMs },
    );
    return { armed: request };
  }
}
