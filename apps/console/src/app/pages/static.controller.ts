import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { LIVE_COUNTS_SCRIPT } from '../views/live-counts.script.js';

/** The one script of the console: it refreshes the order counts on the orders page. */
@ApiExcludeController()
@Controller('static')
export class StaticController {
  @Get('live-counts.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  liveCounts(): string {
    return LIVE_COUNTS_SCRIPT;
  }
}
